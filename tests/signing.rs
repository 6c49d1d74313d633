//! Passes door staff can trust: keys, signed payloads read back from a 300
//! dpi render, every way verification refuses, reprints, and the README's
//! test vector.

mod util;

use std::fs;
use std::path::Path;

use util::{have, laminate_in, root, temp, tool, zbarimg};

const ROSTER: &str = "event: {name: Northern Lights Festival 2026, starts: 2026-07-10, ends: 2026-07-12}
passes:
  - {id: NLF-0001, name: José Müller-Łukasiewicz, pass: crew, valid_from: 2026-07-09, valid_until: 2026-07-13, zones: [stage, backstage]}
  - {id: NLF-0002, name: Ingrid Søndergaard, pass: all-access}
";

/// The README's test vector: private key, public key and the signed payload.
fn readme_vector() -> (String, String, String) {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let block = |marker: &str| -> String {
        let start = readme.find(marker).unwrap_or_else(|| panic!("README has no {marker}"));
        let rest = &readme[start + marker.len()..];
        let code = rest.split("```").nth(1).expect("a code block after the marker");
        code.trim_start_matches(|c: char| c.is_alphanumeric()).trim().to_string()
    };
    (
        block("<!-- vector: private key -->"),
        block("<!-- vector: public key -->"),
        block("<!-- vector: payload -->"),
    )
}

#[test]
fn readme_test_vector_verifies_and_is_what_laminate_signs() {
    let dir = temp();
    let (private, public, payload) = readme_vector();
    fs::write(dir.path().join("k"), format!("{private}\n")).unwrap();
    fs::write(dir.path().join("k.pub"), format!("{public}\n")).unwrap();
    let run = laminate_in(
        dir.path(),
        &["verify", &payload, "--public-key", "k.pub", "--on", "2026-07-10", "--zone", "backstage"],
        &[],
    );
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(run
        .stdout
        .contains("result:      VALID (signature ok, valid on 2026-07-10, grants backstage)"));
    // Signing the same pass with the same key gives the same payload (Ed25519 is deterministic).
    let key = laminate_passes::resolve::sign::load_signing_key(&dir.path().join("k")).unwrap();
    let mut p = laminate_passes::resolve::payload::Payload::decode(&payload).unwrap();
    laminate_passes::resolve::sign::sign(&key, &mut p);
    assert_eq!(p.encode(), payload);
    assert_eq!(
        data_encoding::HEXLOWER.encode(key.verifying_key().as_bytes()),
        public.lines().nth(1).unwrap().trim()
    );
}

#[test]
fn keygen_writes_a_private_0600_key_and_a_public_key_and_never_overwrites() {
    let dir = temp();
    let run = laminate_in(dir.path(), &["keygen", "--out", "event.key"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("event.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let public = fs::read_to_string(dir.path().join("event.key.pub")).unwrap();
    assert!(public.starts_with("laminate ed25519 public key\n"));
    let again = laminate_in(dir.path(), &["keygen", "--out", "event.key"], &[]);
    assert_eq!(again.status, 3);
    assert!(again.stderr.contains("event.key exists already"), "{}", again.stderr);
}

#[test]
fn signed_passes_decode_from_300_dpi_and_verify() {
    if !have("pdftoppm") || !have("zbarimg") {
        return;
    }
    let dir = temp();
    fs::write(dir.path().join("r.yaml"), ROSTER).unwrap();
    assert_eq!(laminate_in(dir.path(), &["keygen", "--out", "k"], &[]).status, 0);
    let run =
        laminate_in(dir.path(), &["render", "r.yaml", "-o", "o.pdf", "--key", "k", "--quiet"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let pdf = dir.path().join("o.pdf").display().to_string();
    let prefix = dir.path().join("p").display().to_string();
    tool("pdftoppm", &["-r", "300", "-png", &pdf, &prefix]);
    let payloads = zbarimg(Path::new(&format!("{prefix}-1.png")));
    assert_eq!(payloads.len(), 2, "{payloads:?}");
    for p in &payloads {
        assert!(!p.ends_with(":U"), "signed payloads carry a signature: {p}");
        let v = laminate_in(
            dir.path(),
            &["verify", p, "--public-key", "k.pub", "--on", "2026-07-11"],
            &[],
        );
        assert_eq!(v.status, 0, "{p}: {}{}", v.stdout, v.stderr);
    }
}

#[test]
fn each_refusal_fails_with_its_own_message_and_status() {
    let dir = temp();
    let (private, public, payload) = readme_vector();
    fs::write(dir.path().join("k"), format!("{private}\n")).unwrap();
    fs::write(dir.path().join("k.pub"), format!("{public}\n")).unwrap();
    assert_eq!(laminate_in(dir.path(), &["keygen", "--out", "other"], &[]).status, 0);
    fs::write(dir.path().join("revoked.txt"), "# lost on day one\nNLF-0001 0\n").unwrap();
    fs::write(dir.path().join("revoked-reprint.txt"), "NLF-0001 1\n").unwrap();
    let tampered = payload.replace(":CREW:", ":ALL-ACCESS:");
    let unsigned = format!("{}U", &payload[..payload.rfind(':').unwrap() + 1]);
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["garbage", "--public-key", "k.pub"], 10, "not a valid pass"),
        (vec![&unsigned, "--public-key", "k.pub"], 11, "not signed"),
        (vec![&tampered, "--public-key", "k.pub"], 12, "signature does not match"),
        (vec![&payload, "--public-key", "other.pub"], 12, "signature does not match"),
        (vec![&payload, "--public-key", "k.pub", "--revoked", "revoked.txt"], 13, "revoked"),
        (
            vec![&payload, "--public-key", "k.pub", "--on", "2026-07-08"],
            14,
            "not valid yet: it starts on 2026-07-09",
        ),
        (
            vec![&payload, "--public-key", "k.pub", "--on", "2026-07-14"],
            15,
            "expired: its last day was 2026-07-13",
        ),
        (
            vec![&payload, "--public-key", "k.pub", "--zone", "vip bar"],
            16,
            "does not grant zone \"vip bar\"",
        ),
        (vec![&payload, "--public-key", "k.pub", "--revoked", "revoked-reprint.txt"], 0, ""),
    ];
    for (args, status, message) in cases {
        let mut full = vec!["verify"];
        full.extend(args.iter().copied());
        let run = laminate_in(dir.path(), &full, &[]);
        assert_eq!(run.status, status, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn reprint_bumps_the_number_prints_it_and_lets_the_old_card_be_revoked() {
    let dir = temp();
    fs::write(dir.path().join("r.yaml"), ROSTER).unwrap();
    assert_eq!(laminate_in(dir.path(), &["keygen", "--out", "k"], &[]).status, 0);
    let no_only = laminate_in(dir.path(), &["render", "r.yaml", "-o", "x.pdf", "--reprint"], &[]);
    assert_eq!(no_only.status, 2, "--reprint without --only is a usage error");
    for n in 1..=2 {
        let run = laminate_in(
            dir.path(),
            &[
                "render",
                "r.yaml",
                "-o",
                "reprint.pdf",
                "--key",
                "k",
                "--only",
                "NLF-0001",
                "--reprint",
                "--quiet",
                "--dump",
                "d.txt",
            ],
            &[],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        let state = fs::read_to_string(dir.path().join("r.yaml.reprints")).unwrap();
        assert!(state.contains(&format!("\nNLF-0001 {n}\n")), "{state}");
        let dump = fs::read_to_string(dir.path().join("d.txt")).unwrap();
        assert!(dump.contains(&format!("\"REPRINT {n}\"")), "the pass says REPRINT {n}");
    }
    // A full run keeps the reprinted pass at its latest number.
    let run = laminate_in(
        dir.path(),
        &["render", "r.yaml", "-o", "all.pdf", "--key", "k", "--quiet", "--dump", "d.txt"],
        &[],
    );
    assert_eq!(run.status, 0);
    let dump = fs::read_to_string(dir.path().join("d.txt")).unwrap();
    assert_eq!(dump.matches("\"REPRINT 2\"").count(), 1);
    // validate never changes the state.
    assert_eq!(
        laminate_in(dir.path(), &["validate", "r.yaml", "--only", "NLF-0001", "--reprint"], &[])
            .status,
        0
    );
    assert!(fs::read_to_string(dir.path().join("r.yaml.reprints"))
        .unwrap()
        .contains("NLF-0001 2\n"));
}

#[test]
fn verify_with_the_reprint_state_refuses_an_older_print_as_superseded() {
    let dir = temp();
    assert_eq!(laminate_in(dir.path(), &["keygen", "--out", "k"], &[]).status, 0);
    fs::write(dir.path().join("r.yaml.reprints"), "NLF-0001 2\n").unwrap();
    let key = laminate_passes::resolve::sign::load_signing_key(&dir.path().join("k")).unwrap();
    let payload = |reprint: u32| {
        let mut p = laminate_passes::resolve::payload::Payload {
            event: "NLF2026".into(),
            id: "NLF-0001".into(),
            pass: "crew".into(),
            valid_from: jiff::civil::date(2026, 7, 10),
            valid_until: jiff::civil::date(2026, 7, 12),
            hours: None,
            zones: vec!["backstage".into()],
            reprint,
            name: None,
            signature: laminate_passes::resolve::sign::UNSIGNED.into(),
        };
        laminate_passes::resolve::sign::sign(&key, &mut p);
        p.encode()
    };
    let verify = |text: &str, with_state: bool| {
        let mut args = vec!["verify", text, "--public-key", "k.pub"];
        if with_state {
            args.extend(["--reprints", "r.yaml.reprints"]);
        }
        laminate_in(dir.path(), &args, &[])
    };
    let old = verify(&payload(1), true);
    assert_eq!(old.status, 17, "{}{}", old.stdout, old.stderr);
    assert!(format!("{}{}", old.stdout, old.stderr).contains("superseded"), "{}", old.stdout);
    assert_eq!(verify(&payload(1), false).status, 0, "without the state the old print verifies");
    assert_eq!(verify(&payload(2), true).status, 0, "the latest print is admitted");
    let missing = laminate_in(
        dir.path(),
        &["verify", &payload(2), "--public-key", "k.pub", "--reprints", "nope.reprints"],
        &[],
    );
    assert_eq!(missing.status, 3, "{}", missing.stderr);
}
