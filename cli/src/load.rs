//! Loading rule packs: a directory, a stack file, a compiled pack, the embedded default, or a
//! signed pack under the keys and least versions given; an overrides file; files named on the
//! command line read within a cap. The loading itself is the library's `qagida::deploy` (which
//! `qagida serve` shares); here its errors are printed and become exit code 2.

use super::*;

pub(crate) use qagida::deploy::{KEY_FILE_BYTES, is_stack, load, read_capped};

/// The pack `spec` names (`qagida validate`'s options): loaded, verified when it has keys, its
/// overrides applied; on refusal prints why and gives the exit code (2).
pub(crate) fn load_spec(spec: &qagida::deploy::PackSpec) -> Result<qagida::deploy::Deployed, u8> {
    use qagida::deploy::DeployError;
    match qagida::deploy::load_spec(spec) {
        Ok(d) => Ok(d),
        Err(DeployError::Pack(e)) => Err(pack_failed(&e)),
        Err(DeployError::Usage(m)) => {
            eprintln!("error: {m}");
            Err(2)
        }
        Err(DeployError::Refused(m)) => {
            eprintln!("error: {m}");
            eprintln!("error: the rule pack was refused: it is not exactly what a key trusted for it signed");
            Err(2)
        }
    }
}

/// The keys and least versions of `--pubkey` and `--min-version`; on a bad one prints why and
/// gives the exit code (2).
pub(crate) fn read_trust(pubkeys: &[String], min_versions: &[String]) -> Result<signing::Trust, u8> {
    qagida::deploy::read_trust(pubkeys, min_versions).map_err(|m| {
        eprintln!("error: {m}");
        2
    })
}

pub(crate) fn pack_failed(e: &PackError) -> u8 {
    eprintln!("{e}");
    eprintln!("error: the rule pack was refused ({} problem(s))", e.diagnostics.len());
    2
}
