//! The command line of the rehearsal: Alembic's commands, with the
//! argument forms its `alembic` script accepts.

use serde::{Deserialize, Serialize};

/// One of the Alembic commands a rehearsal runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlembicCommand {
    /// `upgrade head|heads|+N|<rev>|<rev>+N`.
    Upgrade(String),
    /// `downgrade -N|<rev>|base`.
    Downgrade(String),
    /// `current`: the database's `alembic_version` rows.
    Current,
    /// `history [--indicate-current]`.
    History { indicate_current: bool },
    /// `heads`.
    Heads,
    /// `stamp <rev>`: the version table set without running anything.
    Stamp(String),
}

const USAGE: &str = "usage: upgrade REV | downgrade REV | current | history [--indicate-current] | heads | stamp REV";

impl AlembicCommand {
    /// Reads a command as typed (`alembic` in front is allowed, as are
    /// the flags Alembic takes that change nothing here: `-v`,
    /// `--verbose`). The error is what `alembic` prints, or a usage line.
    pub fn parse(line: &str) -> Result<AlembicCommand, String> {
        let mut words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"alembic") {
            words.remove(0);
        }
        let Some((&name, rest)) = words.split_first() else {
            return Err(USAGE.to_string());
        };
        // `downgrade -1`: a negative number is an argument, not a flag.
        let number = |w: &str| w.len() > 1 && w[1..].bytes().all(|b| b.is_ascii_digit());
        let (flags, args): (Vec<&str>, Vec<&str>) =
            rest.iter().partition(|w| w.starts_with('-') && !number(w));
        let one = |what: &str| -> Result<String, String> {
            match args.as_slice() {
                [rev] => Ok((*rev).to_string()),
                [] => Err(format!(
                    "alembic {what}: error: the following arguments are required: revision"
                )),
                [_, extra @ ..] => Err(format!(
                    "alembic: error: unrecognized arguments: {}",
                    extra.join(" ")
                )),
            }
        };
        let none = || -> Result<(), String> {
            match args.as_slice() {
                [] => Ok(()),
                extra => Err(format!(
                    "alembic: error: unrecognized arguments: {}",
                    extra.join(" ")
                )),
            }
        };
        let known = |allowed: &[&str]| -> Result<(), String> {
            match flags.iter().find(|f| !allowed.contains(f)) {
                None => Ok(()),
                Some(flag) => Err(format!("alembic: error: unrecognized arguments: {flag}")),
            }
        };
        match name {
            "upgrade" | "downgrade" | "stamp" => {
                known(&[])?;
                let rev = one(name)?;
                Ok(match name {
                    "upgrade" => AlembicCommand::Upgrade(rev),
                    "downgrade" => AlembicCommand::Downgrade(rev),
                    _ => AlembicCommand::Stamp(rev),
                })
            }
            "current" => {
                none()?;
                known(&["-v", "--verbose"])?;
                Ok(AlembicCommand::Current)
            }
            "heads" => {
                none()?;
                known(&["-v", "--verbose", "--resolve-dependencies"])?;
                Ok(AlembicCommand::Heads)
            }
            "history" => {
                none()?;
                known(&["-v", "--verbose", "-i", "--indicate-current"])?;
                Ok(AlembicCommand::History {
                    indicate_current: flags
                        .iter()
                        .any(|f| *f == "-i" || *f == "--indicate-current"),
                })
            }
            other => Err(format!(
                "alembic: error: argument {{{other}}}: invalid choice: '{other}' ({USAGE})"
            )),
        }
    }

    /// Whether it reads the database (Alembic connects and prints its
    /// `Context impl` lines first).
    pub fn connects(&self) -> bool {
        !matches!(
            self,
            AlembicCommand::Heads
                | AlembicCommand::History {
                    indicate_current: false
                }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_commands_read() {
        let cases = [
            ("upgrade head", AlembicCommand::Upgrade("head".into())),
            ("alembic upgrade +1", AlembicCommand::Upgrade("+1".into())),
            ("upgrade ae10+2", AlembicCommand::Upgrade("ae10+2".into())),
            ("downgrade -1", AlembicCommand::Downgrade("-1".into())),
            ("downgrade base", AlembicCommand::Downgrade("base".into())),
            ("  current ", AlembicCommand::Current),
            (
                "history --indicate-current",
                AlembicCommand::History {
                    indicate_current: true,
                },
            ),
            (
                "history",
                AlembicCommand::History {
                    indicate_current: false,
                },
            ),
            ("heads", AlembicCommand::Heads),
            ("stamp heads", AlembicCommand::Stamp("heads".into())),
        ];
        for (line, command) in cases {
            assert_eq!(AlembicCommand::parse(line), Ok(command), "{line}");
        }
    }

    #[test]
    fn bad_commands_say_what_alembic_says() {
        assert_eq!(
            AlembicCommand::parse("upgrade"),
            Err("alembic upgrade: error: the following arguments are required: revision".into())
        );
        assert_eq!(
            AlembicCommand::parse("current x"),
            Err("alembic: error: unrecognized arguments: x".into())
        );
        assert!(AlembicCommand::parse("migrate").is_err_and(|e| e.contains("invalid choice")));
        assert!(AlembicCommand::parse("").is_err_and(|e| e.starts_with("usage")));
        assert!(AlembicCommand::parse("upgrade --sql head").is_err());
    }
}
