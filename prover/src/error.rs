//! The errors of solvent's commands, and their exit statuses.

use solvent_model::InputError;

/// A failure that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a file that cannot be read or is refused (exit 2).
    #[error("{file}: {error}")]
    Input {
        /// The file (or argument) at fault.
        file: String,
        /// What is wrong, naming the field.
        error: InputError,
    },
    /// A file could not be read or written (exit 2).
    #[error("{file}: {error}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        error: std::io::Error,
    },
    /// An SRS was refused (exit 2).
    #[error("{file}: {error}")]
    Srs {
        /// The file.
        file: String,
        /// Why it was refused.
        error: solvent_params::SrsError,
    },
    /// A download failed or its file was refused (exit 2).
    #[error("{url}: {message}")]
    Download {
        /// The address.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The command ran but its answer is no (exit 1): a failing claim, an invalid attestation.
    #[error("{0}")]
    Refused(String),
    /// The proof system failed (exit 2).
    #[error("proof system: {0}")]
    Proof(String),
    /// Generating or compiling contracts failed (exit 2).
    #[error(transparent)]
    Evm(#[from] solvent_evm::EvmError),
}

impl Error {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Refused(_) => 1,
            _ => 2,
        }
    }

    /// An input error about `file`.
    pub fn input(file: &std::path::Path, error: InputError) -> Self {
        Error::Input { file: file.display().to_string(), error }
    }

    /// An input error about a command-line argument.
    pub fn argument(argument: &str, message: impl Into<String>) -> Self {
        Error::Input { file: "arguments".into(), error: InputError::new(argument, message) }
    }
}
