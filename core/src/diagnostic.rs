//! Diagnostics: what a reader or a rule found, where, and what to do.

use serde::{Deserialize, Serialize};

use crate::text::Span;

/// How much a [`Diagnostic`] matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// Something will probably go wrong or was only partly understood.
    Warning,
    /// The input could not be understood at this place.
    Error,
}

/// A message about a span of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Byte range in the input the message is about.
    pub span: Span,
    /// What was found, in one sentence.
    pub message: String,
    /// What the user can do about it, when there is something to do.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, span, message)
    }

    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, span, message)
    }

    pub fn new(severity: Severity, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            span,
            message: message.into(),
            help: None,
        }
    }

    /// Adds the "what to do" half of the message.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// How far a fix can be trusted (see `lint::fix`): safe fixes keep what the migration does, unsafe ones change it in a way to read first, display-only ones are patterns with a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    DisplayOnly,
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn name(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn severities_order_from_info_to_error() {
        assert!(Severity::Info < Severity::Warning);
        assert!(Severity::Warning < Severity::Error);
    }

    #[test]
    fn help_is_attached() {
        let d = Diagnostic::error(Span::new(3, 7), "unknown type `Foo`")
            .with_help("import it from sqlalchemy or declare it in the file");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.span, Span::new(3, 7));
        assert_eq!(
            d.help.as_deref(),
            Some("import it from sqlalchemy or declare it in the file")
        );
    }
}
