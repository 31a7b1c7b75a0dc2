/// Mean and two standard errors of one quantity over splits: `mean ± 2·s/√n` with the sample
/// standard deviation `s` (divisor `n − 1`); `two_se` is 0 for a single split.
public struct SplitSummary: Codable, Sendable, Hashable {
  /// The mean over the splits.
  public var mean: Double
  /// `2·s/√n`.
  public var twoStandardErrors: Double
  /// The number of splits where the quantity was defined.
  public var count: Int

  enum CodingKeys: String, CodingKey {
    case mean
    case twoStandardErrors = "two_se"
    case count = "n"
  }

  /// The summary of `values`, nil when there is none.
  public init?(_ values: [Double]) {
    guard !values.isEmpty else { return nil }
    let m = values.reduce(0, +) / Double(values.count)
    mean = m
    count = values.count
    guard values.count > 1 else {
      twoStandardErrors = 0
      return
    }
    let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    twoStandardErrors = 2 * (variance / Double(values.count)).squareRoot()
  }
}
