//! Errors of the command-line tool and their exit statuses.

use solvent_model::InputError;

/// A failure that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
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

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Refused(_) => 1,
            _ => 2,
        }
    }

    /// An input error about `file`.
    pub fn input(file: &std::path::Path, error: InputError) -> Self {
        CliError::Input { file: file.display().to_string(), error }
    }
}

/// Reads a text file, as an input error naming it.
pub fn read_text(path: &std::path::Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|error| CliError::Io { file: path.display().to_string(), error })
}

/// Writes a file atomically, as an error naming it.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    solvent_params::write_atomically(path, bytes).map_err(|error| CliError::Io { file: path.display().to_string(), error })
}
