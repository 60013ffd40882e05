//! The `relais` binary: parse the command line and hand over to the library. Started by a
//! server as a file-reading worker (`relais::reader`), it reads one file and exits, before any
//! runtime, configuration or logging starts.

fn main() -> std::process::ExitCode {
    if relais::reader::worker::requested() {
        return relais::reader::worker::main();
    }
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(relais::cli::main()),
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
