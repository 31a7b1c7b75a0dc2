import Foundation
import Testing
import _TestSupport

/// `fairmem robust`, `stats --bootstrap` and `sweep --robust` end to end: JSON fields, exit codes.
@Suite(.serialized) struct RobustCLITests {
  static let counts = """
    {"groups": ["female", "male"], "classes": ["<=50K", ">50K"],
     "counts": [[[270, 30], [40, 60]], [[280, 70], [50, 200]]]}
    """

  @Test func robustJSONHasTheSummaryFields() throws {
    let path = try CLIRunner.temporaryFile(Self.counts)
    let result = try CLIRunner.run(["robust", path, "--metric", "sp", "--draws", "50", "--json"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    for key in [
      "metric", "verdict", "level", "min_mass_interval", "probability_feasible", "settling_scale", "box", "bayes",
    ] {
      #expect(object[key] != nil, "missing \(key)")
    }
    // The point estimate is infeasible (Docs/robust.md), the 95% region is not conclusive.
    #expect(object["verdict"] as? String == "undetermined")
    let point = try #require(object["point_estimate"] as? [String: Any])
    #expect(point["feasible"] as? Bool == false)
  }

  @Test func robustBadInputExitsTwoNamingTheField() throws {
    let path = try CLIRunner.temporaryFile(Self.counts)
    for (arguments, field) in [
      (["--level", "1"], "--level"), (["--draws", "0"], "--draws"), (["--method", "x"], "--method"),
    ] {
      let result = try CLIRunner.run(["robust", path] + arguments)
      #expect(result.status == 2)
      #expect(result.stderr.contains(field), "\(arguments): \(result.stderr)")
    }
    let empty = try CLIRunner.temporaryFile(
      #"{"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[5, 5], [0, 0]], [[5, 5], [3, 3]]]}"#)
    let result = try CLIRunner.run(["robust", empty, "--metric", "eopp"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("counts[0][1]"))
  }

  @Test func sweepRobustAddsTheRobustAnswerPerLine() throws {
    let line = Self.counts.replacingOccurrences(of: "\n", with: " ")
    let result = try CLIRunner.run(["sweep", "--quiet", "--metric", "eopp", "--robust"], stdin: line + "\n")
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let robust = try #require(object["robust"] as? [String: Any])
    #expect(robust["verdict"] as? String == "certainly_feasible")
  }

  @Test func statsBootstrapReportsIntervals() throws {
    var csv = "label,prediction,group\n"
    for i in 0..<200 { csv += "\(i % 2),\((i / 3) % 2),\(i % 5 == 0 ? "a" : "b")\n" }
    let path = try CLIRunner.temporaryFile(csv, suffix: ".csv")
    let result = try CLIRunner.run([
      "stats", path, "--label", "label", "--prediction", "prediction", "--group", "group", "--bootstrap", "100",
      "--level", "0.9", "--json",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let bootstrap = try #require(object["bootstrap"] as? [String: Any])
    #expect(bootstrap["replicates"] as? Int == 100)
    #expect(bootstrap["level"] as? Double == 0.9)
    let intervals = try #require(bootstrap["intervals"] as? [[String: Any]])
    let dp = try #require(intervals.first { $0["name"] as? String == "demographic_parity_difference" })
    let lower = try #require(dp["lower"] as? Double)
    let upper = try #require(dp["upper"] as? Double)
    #expect(lower <= upper)
    let bad = try CLIRunner.run([
      "stats", path, "--label", "label", "--prediction", "prediction", "--group", "group", "--bootstrap", "1",
    ])
    #expect(bad.status == 2 && bad.stderr.contains("--bootstrap"))
  }
}
