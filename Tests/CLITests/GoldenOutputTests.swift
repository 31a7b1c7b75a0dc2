import Foundation
import Testing
import _TestSupport

/// Byte-for-byte outputs of every theory command (text and `--json`) on the built-in example and
/// on 3-group / 3-class inputs, recorded from the binary before the typed-reports renovation
/// (`Tests/Golden/record.sh`). A change here is a change of the CLI's output: it is intended only
/// when a field was wrong, and then it is listed under "Changes" in `Docs/output-format.md`.
@Suite struct GoldenOutputTests {
  struct Case: CustomStringConvertible, Sendable {
    var name: String
    var arguments: [String]
    var description: String { name }
  }

  static let directory = CLIRunner.packageRoot.appendingPathComponent("Tests/Golden")

  /// The cases of `Tests/Golden/cases.txt` ("name | arguments", `#` comments).
  static let cases: [Case] = {
    guard let text = try? String(contentsOf: directory.appendingPathComponent("cases.txt"), encoding: .utf8) else {
      return []
    }
    return text.split(separator: "\n").compactMap { line -> Case? in
      guard !line.hasPrefix("#"), let bar = line.firstIndex(of: "|") else { return nil }
      let name = line[..<bar].trimmingCharacters(in: .whitespaces)
      let arguments = line[line.index(after: bar)...].split(separator: " ").map(String.init)
      return Case(name: name, arguments: arguments)
    }
  }()

  @Test func theCaseListIsNotEmpty() {
    #expect(Self.cases.count >= 40)
  }

  @Test(arguments: cases) func outputIsByteIdentical(_ golden: Case) throws {
    let expected = Self.directory.appendingPathComponent("expected")
    func read(_ suffix: String) throws -> String {
      try String(contentsOf: expected.appendingPathComponent("\(golden.name).\(suffix)"), encoding: .utf8)
    }
    let result = try CLIRunner.run(golden.arguments, workingDirectory: CLIRunner.packageRoot)
    #expect("\(result.status)\n" == (try read("status")), "exit status of \(golden.arguments)")
    #expect(result.stdout == (try read("out")), "standard output of \(golden.arguments)")
    #expect(result.stderr == (try read("err")), "standard error of \(golden.arguments)")
  }
}
