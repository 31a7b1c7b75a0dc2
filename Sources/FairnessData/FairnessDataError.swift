public import FailureReporting

/// Everything that can go wrong while fetching, parsing, encoding, splitting or generating data.
///
/// Every case carries enough context (file, line, column, split, parameter) for `description` to
/// name the problem precisely; bad input never crashes the library. See Docs/datasets.md.
public enum FairnessDataError: Error, CustomStringConvertible, Equatable, Hashable, Sendable {
  /// A dataset file does not exist. The message tells the user to run the fetch script.
  case missingFile(path: String)
  /// A file exists but could not be read.
  case unreadableFile(path: String, reason: String)
  /// A file's SHA-256 digest differs from the one committed in `Data/checksums.sha256`.
  case checksumMismatch(path: String, expected: String, actual: String)
  /// A row could not be parsed (ragged row, unterminated quote, bad value): file, 1-based line
  /// number and the problem.
  case malformedRow(file: String, line: Int, problem: String)
  /// A column name was asked for that the table does not have.
  case unknownColumn(name: String, file: String, available: [String])
  /// The same column was named twice where each column must be used once (for example as label
  /// and as group column).
  case conflictingColumn(name: String, problem: String)
  /// A numeric field holds NaN or an infinity.
  case nonFiniteValue(file: String, line: Int, column: String, text: String)
  /// A required field is missing and the missing-value policy is `.fail`.
  case missingValue(file: String, line: Int, column: String)
  /// A table has no data rows (after filtering).
  case emptyTable(file: String)
  /// A split left a group without members.
  case emptyGroupInSplit(split: String, group: String)
  /// A feature value passed to `Dataset` is NaN or infinite.
  case nonFiniteFeature(feature: String, row: Int, value: Double)
  /// The arrays passed to `Dataset` are inconsistent (sizes, label or group ranges).
  case invalidDataset(problem: String)
  /// A parameter (fraction, probability, covariance, ...) is out of its domain.
  case invalidParameter(name: String, problem: String)

  /// A one-paragraph, human-readable explanation naming the field, line and problem.
  public var description: String {
    switch self {
    case .missingFile(let path):
      return "Dataset file '\(path)' is missing. Run `bash Scripts/fetch-datasets.sh` from the "
        + "repository root to download and verify the datasets (see Docs/datasets.md)."
    case .unreadableFile(let path, let reason):
      return "Cannot read '\(path)': \(reason)."
    case .checksumMismatch(let path, let expected, let actual):
      return "Checksum mismatch for '\(path)': expected SHA-256 \(expected), found \(actual). "
        + "Delete the file and run `bash Scripts/fetch-datasets.sh` again."
    case .malformedRow(let file, let line, let problem):
      return "\(file):\(line): malformed row: \(problem)."
    case .unknownColumn(let name, let file, let available):
      let shown = available.prefix(60).joined(separator: ", ")
      return "Unknown column '\(name)' in \(file); available columns: \(shown)"
        + (available.count > 60 ? ", ... (\(available.count) in all)." : ".")
    case .conflictingColumn(let name, let problem):
      return "Column '\(name)': \(problem)."
    case .nonFiniteValue(let file, let line, let column, let text):
      return "\(file):\(line): column '\(column)' holds the non-finite value '\(text)'; "
        + "features must be finite numbers."
    case .missingValue(let file, let line, let column):
      return "\(file):\(line): column '\(column)' is missing a value (a blank, NA or NaN cell); "
        + "such rows are not dropped silently: fill the cell or remove the row."
    case .emptyTable(let file):
      return "\(file): no data rows remain (after header, blank lines and filtering)."
    case .emptyGroupInSplit(let split, let group):
      return "The \(split) split has no members of group '\(group)'; use larger fractions, "
        + "a larger dataset or merge small groups."
    case .nonFiniteFeature(let feature, let row, let value):
      return "Feature '\(feature)' of row \(row) is \(value); features must be finite."
    case .invalidDataset(let problem):
      return "Invalid dataset: \(problem)."
    case .invalidParameter(let name, let problem):
      return "Invalid parameter '\(name)': \(problem)."
    }
  }
}

extension FairnessDataError: ClassifiedError {
  /// Every data error is the input's fault (exit 2): a missing or corrupt file, a malformed row,
  /// an unknown column, a non-finite value, an empty group or an invalid parameter.
  public var failureKind: FailureKind { .badInput }

  /// The file, column or parameter the error is about.
  public var field: String? {
    switch self {
    case .missingFile(let path), .unreadableFile(let path, _), .checksumMismatch(let path, _, _): path
    case .malformedRow(let file, _, _), .emptyTable(let file): file
    case .unknownColumn(let name, _, _), .conflictingColumn(let name, _), .invalidParameter(let name, _): name
    case .nonFiniteValue(_, _, let column, _), .missingValue(_, _, let column): column
    case .nonFiniteFeature(let feature, _, _): feature
    case .emptyGroupInSplit(let split, _): split
    case .invalidDataset: nil
    }
  }
}
