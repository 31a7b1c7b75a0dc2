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
    // A line without counts (or sample sizes) says why it has no robust answer.
    let rates =
      #"{"groups": ["a", "b"], "classes": ["0", "1"], "population": [[0.3, 0.1], [0.35, 0.25]], "#
      + #""confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]]}"#
    let plain = try CLIRunner.run(["sweep", "--quiet", "--metric", "sp", "--robust"], stdin: rates + "\n")
    #expect(plain.status == 0, "stderr: \(plain.stderr)")
    let answer = try #require(try CLIRunner.json(plain.stdout) as? [String: Any])
    let unavailable = try #require(answer["robust"] as? [String: Any])
    #expect((unavailable["error"] as? String)?.hasPrefix("counts:") == true, "\(unavailable)")
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
    // The output, bootstrap included, is valid input for every other command.
    let stats = try CLIRunner.temporaryFile(result.stdout)
    let robust = try CLIRunner.run(["robust", stats, "--metric", "eopp", "--method", "box"])
    #expect(robust.status == 0, "stderr: \(robust.stderr)")
  }

  static let rates = """
    {"groups": ["female", "male"], "classes": ["<=50K", ">50K"],
     "population": [[0.3, 0.1], [0.35, 0.25]],
     "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]],
     "sample_sizes": [[300, 100], [350, 250]]}
    """

  /// Rates with sample sizes answer like the counts they imply, in `robust` and in `analyze`.
  @Test func sampleSizesAnswerLikeTheirCounts() throws {
    let rates = try CLIRunner.temporaryFile(Self.rates)
    let counts = try CLIRunner.temporaryFile(Self.counts)
    let fromRates = try CLIRunner.run(["robust", rates, "--method", "box", "--json"])
    let fromCounts = try CLIRunner.run(["robust", counts, "--method", "box", "--json"])
    #expect(fromRates.status == 0, "stderr: \(fromRates.stderr)")
    #expect(
      fromRates.stdout.replacingOccurrences(of: #""counts_from": "sample_sizes""#, with: #""counts_from": "counts""#)
        == fromCounts.stdout)
    let analyze = try CLIRunner.run(["analyze", rates, "--metric", "sp"])
    #expect(analyze.status == 0)
    #expect(analyze.stdout.contains("records:               implied by the rates and sample_sizes"))
    #expect(analyze.stdout.contains("robust verdict:        undetermined"))
  }

  @Test func badSampleSizesExitTwoNamingTheField() throws {
    for (from, to, field) in [
      ("[[300, 100], [350, 250]]", "[[300, 100.5], [350, 250]]", "sample_sizes[0][1]"),
      ("[[300, 100], [350, 250]]", "[[300, 100], [-350, 250]]", "sample_sizes[1][0]"),
      ("[[300, 100], [350, 250]]", "[[300, 100], [350]]", "sample_sizes[1]"),
      ("[[300, 100], [350, 250]]", "[[300, 100], [360, 240]]", "sample_sizes[1][0]"),
      ("[0.4, 0.6]]", "[0.405, 0.595]]", "confusion[0][1][0]"),
    ] {
      let path = try CLIRunner.temporaryFile(Self.rates.replacingOccurrences(of: from, with: to))
      let result = try CLIRunner.run(["robust", path, "--method", "box"])
      #expect(result.status == 2, "\(field): \(result.stderr)")
      #expect(result.stderr.contains(field), "\(field): \(result.stderr)")
    }
  }

  /// Convention A end to end: the documented case where the point estimate proves |SP| <= 0.02
  /// impossible and the 95% region cannot decide (Docs/robust.md).
  @Test func conventionAPointImpossibleRobustUndetermined() throws {
    let path = try CLIRunner.temporaryFile(
      Self.counts.replacingOccurrences(
        of: "]]]}", with: #"]]], "unmemorized_prediction": [[0.98, 0.02], [0.3, 0.7]]}"#))
    let result = try CLIRunner.run([
      "robust", path, "--metric", "sp", "--favorable", ">50K", "--tolerance", "0.02", "--method", "box", "--json",
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    #expect(object["convention"] as? String == "A")
    #expect(object["verdict"] as? String == "undetermined")
    let point = try #require(object["point_estimate"] as? [String: Any])
    #expect(point["feasible"] as? Bool == false)
  }
}
