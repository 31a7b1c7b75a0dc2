/// Whose fault a failure is, which decides the exit code the CLI (and the C ABI) report.
///
/// Every library error type conforms to ``ClassifiedError`` so that the faces of FairMem (the
/// `fairmem` command, the C ABI) map errors to exit codes without knowing the libraries' types.
public enum FailureKind: String, Sendable, Codable, CaseIterable {
  /// The input is malformed or invalid (a file, an option, a field, a dataset): exit code 2.
  case badInput = "bad_input"
  /// FairMem or a system library failed on valid input (solver breakdown, our own bug): exit 3.
  case internalFailure = "internal_failure"

  /// The process exit code of `fairmem` for this kind (documented in `Docs/cli.md`).
  public var exitCode: Int32 {
    switch self {
    case .badInput: 2
    case .internalFailure: 3
    }
  }
}

/// An error that says whose fault it is and, when it is about one input, which field.
public protocol ClassifiedError: Error, CustomStringConvertible {
  /// Bad input (exit 2) or an internal failure (exit 3).
  var failureKind: FailureKind { get }
  /// The field, option, column or file the error is about, when there is exactly one.
  var field: String? { get }
}

extension ClassifiedError {
  /// Most errors are not about a single named field.
  public var field: String? { nil }
}
