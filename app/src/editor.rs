//! CodeMirror 6 editors (created by `www/js/glue.js`) as a Leptos component.

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use retort_core::{Diagnostic, LineIndex, Severity, Span};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type JsEditor;

    #[wasm_bindgen(catch, js_namespace = retort, js_name = createEditor)]
    fn create_editor(parent: &web_sys::HtmlElement, options: &Object) -> Result<JsEditor, JsValue>;

    #[wasm_bindgen(method, js_name = setDiagnostics)]
    fn set_diagnostics(this: &JsEditor, diagnostics: JsValue);

    #[wasm_bindgen(method, js_name = setLanguage)]
    fn set_language(this: &JsEditor, language: &str);

    #[wasm_bindgen(method, js_name = setDoc)]
    fn set_doc(this: &JsEditor, text: &str);

    #[wasm_bindgen(method)]
    fn select(this: &JsEditor, from: usize, to: usize);

    #[wasm_bindgen(method)]
    fn destroy(this: &JsEditor);
}

/// The language an editor highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    Sql,
}

impl Language {
    fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Sql => "sql",
        }
    }
}

/// A message underlined in an editor: byte span into the editor's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Underline {
    pub span: Span,
    pub severity: Severity,
    pub message: String,
}

impl From<&Diagnostic> for Underline {
    fn from(d: &Diagnostic) -> Self {
        Underline {
            span: d.span,
            severity: d.severity,
            message: match &d.help {
                Some(help) => format!("{}\n{help}", d.message),
                None => d.message.clone(),
            },
        }
    }
}

/// What CodeMirror's lint extension takes: UTF-16 offsets.
#[derive(Serialize)]
struct CmDiagnostic<'a> {
    from: usize,
    to: usize,
    severity: &'static str,
    message: &'a str,
}

/// Converts byte spans to the editor's UTF-16 offsets, against the text the
/// spans were computed on.
fn to_codemirror<'a>(text: &str, underlines: &'a [Underline]) -> Vec<CmDiagnostic<'a>> {
    let index = LineIndex::new(text);
    underlines
        .iter()
        .map(|u| CmDiagnostic {
            from: index.utf16_offset(u.span.start),
            to: index.utf16_offset(u.span.end),
            severity: match u.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            },
            message: &u.message,
        })
        .collect()
}

/// The editor and the JS callbacks it holds, dropped together.
struct Mounted {
    editor: JsEditor,
    _on_change: Closure<dyn FnMut(String)>,
    _on_run: Closure<dyn FnMut()>,
}

/// Provided by a read-only embed: every editor below it is read-only.
#[derive(Debug, Clone, Copy)]
pub struct ReadOnly(pub bool);

/// A CodeMirror editor. `text` is both the initial document and where edits
/// go; `underlines` (byte spans into `text`) are drawn as lint marks.
#[component]
pub fn CodeEditor(
    language: Language,
    text: RwSignal<String>,
    /// `data-testid` of the editable content, for tests.
    #[prop(into)]
    test_id: String,
    /// Accessible name of the editable content.
    label: &'static str,
    #[prop(optional)] read_only: bool,
    #[prop(optional, into)] on_run: Option<Callback<()>>,
    #[prop(optional, into)] underlines: Option<Signal<Vec<Underline>>>,
    /// When given, the highlighting follows it (`language` is the first).
    #[prop(optional, into)]
    language_of: Option<Signal<Language>>,
    /// When it changes, that byte span of `text` is selected and scrolled
    /// to (the counter lets the same span be asked for twice).
    #[prop(optional, into)]
    focus: Option<Signal<(Span, u32)>>,
) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    let mounted = StoredValue::new_local(None::<Mounted>);
    let failure = RwSignal::new(None::<String>);
    let embedded = use_context::<ReadOnly>().is_some_and(|r| r.0);

    Effect::new(move |_| {
        let Some(element) = host.get() else { return };
        if mounted.with_value(Option::is_some) {
            return;
        }
        let on_change = Closure::<dyn FnMut(String)>::new(move |doc: String| text.set(doc));
        let on_run = Closure::<dyn FnMut()>::new(move || {
            if let Some(run) = on_run {
                run.run(());
            }
        });
        let options = Object::new();
        let set = |key: &str, value: &JsValue| {
            let _ = Reflect::set(&options, &JsValue::from_str(key), value);
        };
        set("doc", &JsValue::from_str(&text.get_untracked()));
        let initial = language_of.map_or(language, |l| l.get_untracked());
        set("language", &JsValue::from_str(initial.as_str()));
        set("readOnly", &JsValue::from_bool(read_only || embedded));
        set("testId", &JsValue::from_str(&test_id));
        set("label", &JsValue::from_str(label));
        set("onChange", on_change.as_ref());
        set("onRun", on_run.as_ref());
        match create_editor(&element, &options) {
            Ok(editor) => mounted.set_value(Some(Mounted {
                editor,
                _on_change: on_change,
                _on_run: on_run,
            })),
            Err(error) => failure.set(Some(
                error
                    .as_string()
                    .or_else(|| {
                        Reflect::get(&error, &JsValue::from_str("message"))
                            .ok()
                            .and_then(|m| m.as_string())
                    })
                    .unwrap_or_else(|| "the editor script did not load".into()),
            )),
        }
    });

    // Text set from outside (a generated revision): shown in the editor.
    // Edits typed in it come back through `text` too; setDoc ignores
    // a text equal to the document.
    Effect::new(move |_| {
        // A copy: setting the document calls back into `text` (onChange).
        let current = text.get();
        mounted.with_value(|m| {
            if let Some(m) = m {
                m.editor.set_doc(&current);
            }
        });
    });

    if let Some(language_of) = language_of {
        Effect::new(move |previous: Option<Language>| {
            let current = language_of.get();
            if previous.is_some_and(|p| p != current) || (previous.is_none() && current != language)
            {
                mounted.with_value(|m| {
                    if let Some(m) = m {
                        m.editor.set_language(current.as_str());
                    }
                });
            }
            current
        });
    }

    if let Some(underlines) = underlines {
        Effect::new(move |_| {
            let current = underlines.get();
            let doc = text.get_untracked();
            mounted.with_value(|m| {
                if let Some(m) = m {
                    let list = to_codemirror(&doc, &current);
                    if let Ok(js) = serde_wasm_bindgen::to_value(&list) {
                        m.editor.set_diagnostics(js);
                    }
                }
            });
        });
    }

    if let Some(focus) = focus {
        Effect::new(move |previous: Option<(Span, u32)>| {
            let current = focus.get();
            if previous.is_some_and(|p| p != current) {
                let doc = text.get_untracked();
                let index = LineIndex::new(&doc);
                mounted.with_value(|m| {
                    if let Some(m) = m {
                        m.editor.select(
                            index.utf16_offset(current.0.start),
                            index.utf16_offset(current.0.end),
                        );
                    }
                });
            }
            current
        });
    }

    on_cleanup(move || {
        mounted.update_value(|m| {
            if let Some(m) = m.take() {
                m.editor.destroy();
            }
        });
    });

    view! {
        <div class="editor" node_ref=host></div>
        {move || failure.get().map(|reason| view! {
            <p class="notice notice-error" role="alert">
                "The editor could not start (" {reason} "). Reload the page to try again."
            </p>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_spans_become_utf16_offsets() {
        let text = "SELECT '🙂' FROM missing";
        let start = text.find("missing").unwrap();
        let underlines = [Underline {
            span: Span::new(start, start + 7),
            severity: Severity::Error,
            message: "relation \"missing\" does not exist".into(),
        }];
        let converted = to_codemirror(text, &underlines);
        // The emoji is 4 bytes but 2 UTF-16 units.
        assert_eq!(converted[0].from, start - 2);
        assert_eq!(converted[0].to, start + 5);
        assert_eq!(converted[0].severity, "error");
    }
}
