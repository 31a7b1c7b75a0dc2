import Foundation
import Testing
import _TestSupport

/// The empirical commands (`validate`, `reweight`, `compare`) reproduce their saved outputs on
/// small seeded settings (Tests/Golden/empirical/cases.txt), so moving their logic between modules
/// cannot change a number or a key unnoticed. Wall-clock times are the only values masked
/// (replaced by 0), exactly as Scripts/update-empirical-goldens.sh does when recording.
///
/// Every character but the numbers must match; a number matches when it is printed identically,
/// or differs by at most 1e-9 relative or one unit of its last printed digit. OpenBLAS picks its
/// kernel by CPU (AVX2, AVX-512, ...), and the kernels round sums differently in the last bits:
/// the goldens recorded on one machine differ from another's in the 16th digit (seen:
/// 0.09844062894796643 vs ...632), which is not a change of logic.
@Suite struct EmpiricalGoldenOutputTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var arguments: [String]
    var testDescription: String { name }
  }

  static let directory = CLIRunner.packageRoot.appendingPathComponent("Tests/Golden/empirical")

  static var cases: [Case] {
    let text = (try? String(contentsOf: directory.appendingPathComponent("cases.txt"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
      let words = line.split(separator: " ").map(String.init)
      return Case(name: words[0], arguments: Array(words.dropFirst()))
    }
  }

  /// Replaces `"seconds": <number>` (pretty or compact) and `; <n> s)` by zero times.
  static func maskTimes(_ text: String) -> String {
    text.replacing(/("seconds": ?)[-0-9.e+]+/) { "\($0.output.1)0" }
      .replacing(/; [0-9]+ s\)/, with: "; 0 s)")
  }

  /// Numbers as printed in text and JSON output.
  static var number: Regex<Substring> { /-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/ }

  /// Same text between the numbers, and numbers equal up to rounding (see the suite's comment).
  static func linesMatch(_ actual: String, _ expected: String) -> Bool {
    guard actual != expected else { return true }
    let a = actual.matches(of: number)
    let e = expected.matches(of: number)
    guard a.count == e.count,
      actual.replacing(number, with: "#") == expected.replacing(number, with: "#")
    else { return false }
    return zip(a, e).allSatisfy { x, y in
      let printedX = String(x.output)
      let printedY = String(y.output)
      guard printedX != printedY else { return true }
      guard let u = Double(printedX), let v = Double(printedY) else { return false }
      let decimals = printedY.split(separator: "e").first?.split(separator: ".").dropFirst().first?.count ?? 0
      // Integers (counts, sizes) and exponent forms get no last-digit slack.
      let lastDigit = printedY.contains("e") || decimals == 0 ? 0 : pow(10, -Double(decimals))
      return abs(u - v) <= max(1e-9 * max(abs(u), abs(v)), lastDigit * (1 + 1e-6))
    }
  }

  @Test func numbersMatchUpToRounding() {
    #expect(Self.linesMatch("\"gap\": 0.09844062894796643,", "\"gap\": 0.09844062894796632,"))
    #expect(Self.linesMatch("DP 0.1235 (n=3)", "DP 0.1234 (n=3)"))
    #expect(Self.linesMatch("\"gap\": 0.0984406289,", "\"gap\": 0.0984406290,"))
    #expect(!Self.linesMatch("DP 0.1236 (n=3)", "DP 0.1234 (n=3)"))
    #expect(!Self.linesMatch("\"gap\": 0.0984406,", "\"gap\": 0.0984416,"))
    #expect(!Self.linesMatch("\"gap\": 0.09844,", "\"gap\": 0.09844,\"x\": 1"))
    #expect(!Self.linesMatch("\"gaps\": 0.5,", "\"gap\": 0.5,"))
    #expect(!Self.linesMatch("n=12", "n=13"))
  }

  @Test func everyCaseHasAGoldenFile() throws {
    #expect(Self.cases.count >= 10)
    for c in Self.cases {
      #expect(FileManager.default.fileExists(atPath: Self.directory.appendingPathComponent("\(c.name).out").path))
    }
  }

  @Test func maskingOnlyTouchesTimes() {
    #expect(
      Self.maskTimes("{\"seconds\": 12.5,\"x\":{\"seconds\":3e-05}} t; 41 s)")
        == "{\"seconds\": 0,\"x\":{\"seconds\":0}} t; 0 s)")
    #expect(Self.maskTimes("\"two_se\": 0.5; 41 s") == "\"two_se\": 0.5; 41 s")
  }

  @Test(arguments: EmpiricalGoldenOutputTests.cases) func outputMatchesTheGolden(_ c: Case) throws {
    let expected = try String(contentsOf: Self.directory.appendingPathComponent("\(c.name).out"), encoding: .utf8)
    let result = try CLIRunner.run(
      c.arguments, environment: ["OPENBLAS_NUM_THREADS": "1"], workingDirectory: CLIRunner.packageRoot)
    #expect(result.status == 0, "\(c.name): exit \(result.status), stderr: \(result.stderr.suffix(500))")
    let actual = Self.maskTimes(result.stdout)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    if a.count != e.count || zip(a, e).contains(where: { !Self.linesMatch(String($0), String($1)) }) {
      let first =
        (0..<min(a.count, e.count)).first { !Self.linesMatch(String(a[$0]), String(e[$0])) } ?? min(a.count, e.count)
      Issue.record(
        """
        \(c.name): output differs from \(c.name).out at line \(first + 1) \
        (got \(a.count) lines, expected \(e.count)):
          got:      \(first < a.count ? String(a[first].prefix(300)) : "<end>")
          expected: \(first < e.count ? String(e[first].prefix(300)) : "<end>")
        """)
    }
  }
}
