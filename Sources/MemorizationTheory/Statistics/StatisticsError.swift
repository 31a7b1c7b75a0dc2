/// Bad statistics input: names the offending field (a JSON path like `confusion[1][0]`, or a CSV
/// column) and the problem. The CLI maps it to exit code 2.
public struct StatisticsError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Where the problem is, e.g. `population[0][1]`, `groups`, `line 3`.
  public let field: String
  /// What is wrong, e.g. `probability 1.3 is outside [0, 1]`.
  public let problem: String

  public init(field: String, problem: String) {
    self.field = field
    self.problem = problem
  }

  public var description: String { "\(field): \(problem)" }
}
