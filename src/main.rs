fn main() -> std::process::ExitCode {
    dramatis::cli::main()
}
