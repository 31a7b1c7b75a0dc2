public import FailureReporting

/// Bad statistics input: names the offending field (a JSON path like `confusion[1][0]`, or a CSV
/// column) and the problem. Bad input: the CLI maps it to exit code 2.
public struct StatisticsError: ClassifiedError, Sendable, Equatable {
  /// Where the problem is, e.g. `population[0][1]`, `groups`, `line 3` (never nil).
  public let field: String?
  /// What is wrong, e.g. `probability 1.3 is outside [0, 1]`.
  public let problem: String

  public init(field: String, problem: String) {
    self.field = field
    self.problem = problem
  }

  public var failureKind: FailureKind { .badInput }

  public var description: String { "\(field ?? "input"): \(problem)" }
}
