import ArgumentParser
import FailureReporting
import FairnessData
import Foundation

/// How a command run failed, in the terms both faces report: the `fairmem` exit code, a stable
/// code word, the field the failure is about (when there is one) and a message.
public struct CommandFailure: Error, Sendable, Equatable {
  /// The exit code `fairmem` uses (1 infeasible under `--check`, 2 bad input, 3 internal).
  public var exitCode: Int32
  /// `"infeasible"`, `"bad_input"` or `"internal_failure"` (``FailureKind``'s raw values).
  public var code: String
  /// The option, JSON path, column or file the failure is about, as the error names it
  /// (`--tolerance`, `population[0][1]`, `sex`), or `nil`.
  public var field: String?
  /// The message, without the usage text.
  public var message: String

  public init(exitCode: Int32, code: String, field: String?, message: String) {
    self.exitCode = exitCode
    self.code = code
    self.field = field
    self.message = message
  }

  /// Classifies an error thrown while parsing or running a `fairmem` command.
  ///
  /// Library errors say whose fault they are (``ClassifiedError``; `FairnessDataError` is bad
  /// input); anything ArgumentParser throws is a usage error (bad input), whose field is the
  /// first `--option` or `<argument>` its message names.
  public static func classify(_ error: any Error) -> CommandFailure {
    switch error {
    case let error as CommandFailure:
      return error
    case let error as InfeasibleAnswer:
      return CommandFailure(
        exitCode: FairMemExitCode.infeasible, code: "infeasible", field: nil, message: error.description)
    case let error as any ClassifiedError:
      return CommandFailure(
        exitCode: error.failureKind.exitCode, code: error.failureKind.rawValue, field: error.field,
        message: error.description)
    case let error as FairnessDataError:
      return .badInput(field: error.namedField, message: error.description)
    case let error as ExitCode:
      let kind: String =
        switch error.rawValue {
        case FairMemExitCode.infeasible: "infeasible"
        case FairMemExitCode.internalFailure: FailureKind.internalFailure.rawValue
        default: FailureKind.badInput.rawValue
        }
      return CommandFailure(
        exitCode: error.rawValue, code: kind, field: nil,
        message: "the command reported failures in its output (exit code \(error.rawValue))")
    default:
      let message = FairMemCommand.message(for: error)
      return .badInput(field: Self.optionNamed(in: message), message: message)
    }
  }

  public static func badInput(field: String?, message: String) -> CommandFailure {
    CommandFailure(
      exitCode: FairMemExitCode.badInput, code: FailureKind.badInput.rawValue, field: field, message: message)
  }

  /// The first `--option` or `<argument>` named in a usage message ("Unknown option '--foo'",
  /// "Missing expected argument '<input>'", "--tolerance: must be a number in [0, 1]").
  public static func optionNamed(in message: String) -> String? {
    let scalars = Array(message.unicodeScalars)
    func isNameScalar(_ c: Unicode.Scalar) -> Bool {
      (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
    }
    var i = 0
    while i < scalars.count {
      if scalars[i] == "-", i + 2 < scalars.count, scalars[i + 1] == "-", isNameScalar(scalars[i + 2]),
        i == 0 || !isNameScalar(scalars[i - 1])
      {
        var j = i + 2
        while j < scalars.count, isNameScalar(scalars[j]) { j += 1 }
        return String(String.UnicodeScalarView(scalars[i..<j]))
      }
      if scalars[i] == "<", let close = scalars[(i + 1)...].firstIndex(of: ">"), close > i + 1,
        scalars[(i + 1)..<close].allSatisfy(isNameScalar)
      {
        return String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
      }
      i += 1
    }
    return nil
  }
}

extension FairnessDataError {
  /// The file, column or parameter the error is about.
  fileprivate var namedField: String? {
    switch self {
    case .missingFile(let path), .unreadableFile(let path, _), .checksumMismatch(let path, _, _): path
    case .malformedRow(let file, _, _), .emptyTable(let file): file
    case .unknownColumn(let name, _, _), .conflictingColumn(let name, _): name
    case .nonFiniteValue(_, _, let column, _), .missingValue(_, _, let column): column
    case .nonFiniteFeature(let feature, _, _): feature
    case .invalidParameter(let name, _): name
    case .emptyGroupInSplit(_, let group): group
    case .invalidDataset: nil
    }
  }
}
