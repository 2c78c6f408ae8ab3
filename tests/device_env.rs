//! `DEVARRAY_DEVICE` naming a device that cannot be used (issue 10 §2, item 12): `from_env` is
//! an error and `Device::default()` falls back to the CPU with one warning on stderr. Each case
//! runs in a child process of this test binary, because the environment is process-wide.

use devarray::{Device, Error};
use std::process::Command;

/// Set in the child: the test named by the parent does its work instead of returning.
const CHILD: &str = "DEVARRAY_DEVICE_ENV_TEST_CHILD";

/// Runs the test `name` of this binary in a child process with `DEVARRAY_DEVICE=value`;
/// returns its stdout and stderr.
fn run_child(name: &str, value: &str) -> (String, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env(devarray::DEVICE_ENV, value)
        .output()
        .unwrap();
    assert!(out.status.success(), "child {name} failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn child_reports_the_default_device() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    match Device::from_env() {
        Err(Error::BadDeviceName { value, .. }) => println!("from_env: BadDeviceName {value}"),
        other => println!("from_env: {other:?}"),
    }
    println!("default: {} then {}", Device::default(), Device::default());
}

#[test]
fn an_unusable_device_is_an_error_or_a_warned_cpu_fallback() {
    for value in ["cuda:4096", "tpu"] {
        let (stdout, stderr) = run_child("child_reports_the_default_device", value);
        assert!(stdout.contains(&format!("from_env: BadDeviceName {value}")), "{stdout}");
        assert!(stdout.contains("default: cpu then cpu"), "{stdout}");
        assert_eq!(stderr.matches("devarray warning: DEVARRAY_DEVICE cannot be used").count(), 1, "{stderr}");
        assert!(stderr.contains(value), "the warning names the value: {stderr}");
    }
    // A usable value: no warning.
    let (stdout, stderr) = run_child("child_reports_the_default_device", "cpu");
    assert!(stdout.contains("from_env: Ok(Cpu)") && stdout.contains("default: cpu then cpu"), "{stdout}");
    assert!(!stderr.contains("devarray warning"), "{stderr}");
}
