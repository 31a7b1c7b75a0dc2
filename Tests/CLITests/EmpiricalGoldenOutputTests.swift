import Foundation
import Testing
import _TestSupport

/// The empirical commands (`validate`, `reweight`, `compare`) reproduce their saved outputs byte
/// for byte on small seeded settings (Tests/Golden/empirical/cases.txt), so moving their logic
/// between modules cannot change a number or a key unnoticed. Wall-clock times are the only
/// values masked (replaced by 0), exactly as Scripts/update-empirical-goldens.sh does when recording.
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

  @Test(arguments: EmpiricalGoldenOutputTests.cases) func outputIsByteIdentical(_ c: Case) throws {
    let expected = try String(contentsOf: Self.directory.appendingPathComponent("\(c.name).out"), encoding: .utf8)
    let result = try CLIRunner.run(
      c.arguments, environment: ["OPENBLAS_NUM_THREADS": "1"], workingDirectory: CLIRunner.packageRoot)
    #expect(result.status == 0, "\(c.name): exit \(result.status), stderr: \(result.stderr.suffix(500))")
    let actual = Self.maskTimes(result.stdout)
    if actual != expected {
      let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
      let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let first = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
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
