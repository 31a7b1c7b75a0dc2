/// The commands the C ABI runs, and the fixed arguments that make each one answer in JSON.
///
/// The table is deliberately thin: it names no option and parses nothing. A request's arguments
/// become the command line of the same `fairmem` subcommand (see ``ABIRequest/commandLine``), so
/// the CLI's own ArgumentParser types parse and validate them, and the command's own code runs
/// with the request's input as standard input and a buffer as standard output.
struct CommandEntry: Sendable {
  /// How the command writes its answer.
  enum Output: Sendable {
    /// One JSON document (the command's `--json` output).
    case json
    /// One JSON object per line (`sweep`), returned as a JSON array.
    case jsonLines
  }

  /// Flags every request of this command gets (`--json`, `--quiet`).
  let fixedArguments: [String]
  let output: Output
  /// Whether the command takes its input as a positional file argument (`-` through the ABI);
  /// `sweep` reads standard input when it is given no file.
  let takesInputFile: Bool

  /// The subcommands of `fairmem` that the ABI serves, by name.
  static let all: [String: CommandEntry] = [
    "analyze": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "stats": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "bias": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "explain": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "feasible": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "bounds": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "frontier": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "robust": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "steer": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: true),
    "sweep": CommandEntry(fixedArguments: ["--quiet"], output: .jsonLines, takesInputFile: false),
    "validate": CommandEntry(fixedArguments: ["--json", "--quiet"], output: .json, takesInputFile: false),
    "reweight": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: false),
    "compare": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: false),
    "groupfree": CommandEntry(fixedArguments: ["--json"], output: .json, takesInputFile: false),
  ]

  /// Argument names a request may not set: the ABI fixes them (`json`, `quiet`), they would not
  /// answer a request (`help`, `version`), or the input travels in the request's `"input"`.
  static let reservedArguments: Set<String> = ["json", "quiet", "help", "h", "version", "input"]
}
