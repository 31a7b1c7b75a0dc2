import Foundation

/// How FairMem writes numbers in text: tables, reports, sentences and notes. One home, so the
/// CLI's tables and the libraries' sentences print the same value the same way.
public enum NumberText {
  /// Six significant digits (`%.6g`), `0` for zero, `%.1e` below 1e-12 in magnitude (so a
  /// round-off residual does not print as a long run of digits), `-` for nil.
  public static func number(_ x: Double?) -> String {
    guard let x else { return "-" }
    if x == 0 { return "0" }
    if abs(x) < 1e-12 { return formatted(x, "%.1e") }
    return formatted(x, "%.6g")
  }

  /// `x` through C's `vsnprintf` with a one-conversion format (the same digits as
  /// `String(format:)`, without Foundation's string machinery: tables of a million numbers).
  private static func formatted(_ x: Double, _ format: String) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
      let written = withVaList([x]) { arguments in
        format.withCString { vsnprintf(buffer.baseAddress, 64, $0, arguments) }
      }
      guard written > 0, written < 64, let base = buffer.baseAddress else { return String(format: format, x) }
      return String(decoding: UnsafeRawBufferPointer(start: base, count: Int(written)), as: UTF8.self)
    }
  }

  /// A fraction as a percentage with two decimals (`12.34%`), `-` for nil.
  public static func percent(_ x: Double?) -> String {
    guard let x else { return "-" }
    return String(format: "%.2f%%", 100 * x)
  }

  /// Four significant digits (`%.4g`): the short form used inside notes and progress messages.
  public static func short(_ x: Double) -> String { String(format: "%.4g", x) }
}
