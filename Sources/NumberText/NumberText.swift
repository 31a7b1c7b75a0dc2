import Foundation

/// How FairMem writes numbers in text: tables, reports, sentences and notes. One home, so the
/// CLI's tables and the libraries' sentences print the same value the same way.
public enum NumberText {
  /// Six significant digits (`%.6g`), `0` for zero, `%.1e` below 1e-12 in magnitude (so a
  /// round-off residual does not print as a long run of digits), `-` for nil.
  public static func number(_ x: Double?) -> String {
    guard let x else { return "-" }
    if x == 0 { return "0" }
    if abs(x) < 1e-12 { return String(format: "%.1e", x) }
    return String(format: "%.6g", x)
  }

  /// A fraction as a percentage with two decimals (`12.34%`), `-` for nil.
  public static func percent(_ x: Double?) -> String {
    guard let x else { return "-" }
    return String(format: "%.2f%%", 100 * x)
  }

  /// Four significant digits (`%.4g`): the short form used inside notes and progress messages.
  public static func short(_ x: Double) -> String { String(format: "%.4g", x) }
}
