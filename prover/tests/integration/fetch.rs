//! `solvent srs fetch` against a local HTTP server on 127.0.0.1 serving the committed ceremony
//! fixtures: a file is kept only once checked and of the ceremony asked for; a wrong, short or
//! missing file leaves nothing behind.

use solvent_prover::commands::{srs_fetch, SrsFetchOptions};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

/// Serves `files` (path → bytes) over HTTP/1.1 on 127.0.0.1; returns the base address.
fn serve(files: HashMap<String, Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // The headers, up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut stream = reader.into_inner();
            let _ = match files.get(&path) {
                Some(body) => stream
                    .write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes())
                    .and_then(|_| stream.write_all(body)),
                None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            };
        }
    });
    address
}

fn fetch(k: u32, ceremony: &str, mirror: &str, out: &Path) -> Result<String, solvent_prover::Error> {
    let options = SrsFetchOptions { k, ceremony: ceremony.into(), out: out.to_path_buf(), mirror: Some(mirror.into()) };
    let mut printed = Vec::new();
    srs_fetch(&options, &mut printed).map(|code| {
        assert_eq!(code, 0);
        String::from_utf8(printed).unwrap()
    })
}

#[test]
fn a_fetched_ceremony_file_is_kept_only_once_checked_and_of_that_ceremony() {
    let hermez = std::fs::read(solvent_params::fixtures::hermez_raw_11()).unwrap();
    let axiom = std::fs::read(solvent_params::fixtures::kzg_bn254_12()).unwrap();
    let files = HashMap::from([
        ("/ok/hermez-raw-11".to_string(), hermez.clone()),
        ("/ok/kzg_bn254_12.srs".to_string(), axiom.clone()),
        // Another ceremony's file under this one's name, a file of another k, a cut file.
        ("/bad/kzg_bn254_11.srs".to_string(), hermez.clone()),
        ("/bad/hermez-raw-12".to_string(), hermez.clone()),
        ("/bad/hermez-raw-11".to_string(), hermez[..100_000].to_vec()),
    ]);
    let server = serve(files);
    let folder = tempfile::tempdir().unwrap();

    for (k, ceremony, bytes, title) in [(11, "hermez", &hermez, "Hermez"), (12, "axiom", &axiom, "Axiom")] {
        let out = folder.path().join(format!("{ceremony}.srs"));
        let printed = fetch(k, ceremony, &format!("{server}/ok/"), &out).expect("fetched");
        assert_eq!(&std::fs::read(&out).unwrap(), bytes, "the served file, byte for byte");
        assert!(printed.contains(title) && printed.contains("all checks passed"), "{printed}");
    }

    let refused = |k, ceremony, says: &str| {
        let out = folder.path().join("refused.srs");
        let error = fetch(k, ceremony, &format!("{server}/bad"), &out).expect_err("refused");
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains(says), "{error}");
        assert!(!out.exists(), "nothing kept");
    };
    refused(11, "axiom", "is not the identity of Perpetual Powers of Tau as converted by Axiom");
    refused(12, "hermez", "k = 11, not the k = 12 asked for");
    refused(11, "hermez", "file is 100000 bytes; k = 11 needs 262404");
    refused(13, "hermez", "404");
    // Nothing half-written is left in the folder either.
    let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 2, "{left:?}");

    let options = SrsFetchOptions { k: 11, ceremony: "other".into(), out: folder.path().join("x"), mirror: None };
    let error = srs_fetch(&options, &mut Vec::new()).expect_err("an unknown ceremony");
    assert!(error.to_string().contains("`other` is not one of hermez, axiom"), "{error}");
}

#[test]
fn the_srs_too_small_message_names_srs_fetch() {
    let ceremony = solvent_params::load(&solvent_params::fixtures::hermez_raw_11()).unwrap();
    let error = solvent_params::downsize(&ceremony, 15).expect_err("cannot grow");
    assert!(error.to_string().contains("solvent srs fetch --k 15"), "{error}");
}
