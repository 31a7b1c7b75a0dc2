import Foundation
import Testing
import _TestSupport

@Suite("fairmem groupfree")
struct GroupFreeCommandTests {
  static let short = [
    "groupfree", "--dataset", "synthetic-group-size", "--quick", "--splits", "1", "--epochs", "4", "--patience", "2",
    "--hidden", "8", "--batch-size", "32",
  ]

  @Test func predictionsFileReproducesTheReportedMetrics() throws {
    let out = try CLIRunner.temporaryFile("", suffix: ".csv")
    let result = try CLIRunner.run(Self.short + ["--method", "erm,gog", "--json", "--predictions-out", out])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let report = try #require(try CLIRunner.json(result.stdout) as? [String: Any])
    let runs = try #require(report["runs"] as? [[String: Any]])
    let groupNames = try #require(report["groupNames"] as? [String])
    #expect(runs.count == 2)
    // Recompute W.Acc and O.Acc of every run from the CSV rows alone.
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
    for run in runs {
      let method = try #require(run["method"] as? String)
      let rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) }.filter { $0[1] == method }
      #expect(!rows.isEmpty)
      var correct: [String: (Int, Int)] = [:]
      for r in rows {
        let hit = r[4] == r[6] ? 1 : 0
        correct[String(r[5]), default: (0, 0)].0 += hit
        correct[String(r[5]), default: (0, 0)].1 += 1
      }
      #expect(Set(correct.keys) == Set(groupNames))
      let worst = correct.values.map { Double($0.0) / Double($0.1) }.min()!
      let overall = Double(correct.values.map(\.0).reduce(0, +)) / Double(rows.count)
      let test = try #require(run["test"] as? [String: Any])
      #expect(abs((test["worstGroupAccuracy"] as? Double ?? -1) - worst) < 1e-12, "\(method)")
      #expect(abs((test["accuracy"] as? Double ?? -1) - overall) < 1e-12, "\(method)")
    }
    let definitions = try #require(report["definitions"] as? [String: String])
    #expect(definitions["E.Odds"]?.contains("equalized_odds_difference") == true)
  }

  @Test func textReportPrintsTheDefinitions() throws {
    let result = try CLIRunner.run(Self.short + ["--method", "dro,arl,feature-graph", "--neighbours", "1,3"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("E.Odds: max(max_g TPR_g - min_g TPR_g"))
    #expect(result.stdout.contains("feature-graph  3"))
    #expect(result.stderr.contains("split 0 dro"), "progress goes to stderr")
  }

  @Test(arguments: [
    (["--method", "gog,magic"], "--method"),
    (["--neighbours", "0"], "--neighbours"),
    (["--neighbours", "32"], "--neighbours"),
    (["--neighbours", "3,x"], "--neighbours"),
    (["--batch-size", "100000"], "--batch-size"),
    (["--splits", "0"], "--splits"),
  ])
  func badOptionsExitTwoNamingTheOption(extra: [String], option: String) throws {
    let result = try CLIRunner.run(Self.short + extra)
    #expect(result.status == 2)
    #expect(result.stderr.contains(option), "stderr: \(result.stderr)")
  }

  /// A group too small to reach every split, a single group, and a predictions file that cannot be
  /// created: exit 2 naming the option, before any training for the last one.
  @Test func emptyGroupsAndAnUnwritablePredictionsFileExitTwoNamingTheOption() throws {
    func csv(_ group: (Int) -> String) throws -> String {
      var text = "x,g,y\n"
      for i in 0..<300 { text += "\(Double(i % 13) / 4),\(group(i)),\(i % 2)\n" }
      return try CLIRunner.temporaryFile(text, suffix: ".csv")
    }
    let options = [
      "--label-column", "y", "--group-column", "g", "--splits", "1", "--epochs", "2", "--batch-size", "16",
    ]
    let rare = try CLIRunner.run(
      ["groupfree", "--csv", try csv { $0 == 5 ? "rare" : ($0 % 3 == 0 ? "a" : "b") }] + options)
    #expect(rare.status == 2 && rare.stderr.contains("error: --group"), "stderr: \(rare.stderr)")
    #expect(rare.stderr.contains("rare"), "stderr: \(rare.stderr)")
    let single = try CLIRunner.run(["groupfree", "--csv", try csv { _ in "a" }] + options)
    #expect(single.status == 2 && single.stderr.contains("error: --group"), "stderr: \(single.stderr)")
    let fine = try csv { $0 % 3 == 0 ? "a" : "b" }
    let numericLabel = try CLIRunner.run(
      ["groupfree", "--csv", fine, "--label-column", "x", "--group-column", "g", "--splits", "1"])
    #expect(
      numericLabel.status == 2 && numericLabel.stderr.contains("error: --label"),
      "stderr: \(numericLabel.stderr)")
    let unwritable = try CLIRunner.run(
      ["groupfree", "--csv", fine] + options + ["--predictions-out", "/nonexistent-directory/p.csv"])
    #expect(unwritable.status == 2 && unwritable.stderr.contains("--predictions-out"), "stderr: \(unwritable.stderr)")
    #expect(!unwritable.stderr.contains("[groupfree] split"), "refused before training")
  }

  @Test func aGroupColumnAmongTheFeaturesIsRefused() throws {
    var text = "x,race,race_code,y\n"
    for i in 0..<200 {
      let race = i % 3 == 0 ? "b" : "a"
      text += "\(Double(i % 17) / 3),\(race),\(race == "b" ? 1 : 0),\(i % 2)\n"
    }
    let path = try CLIRunner.temporaryFile(text, suffix: ".csv")
    let base = ["groupfree", "--csv", path, "--label-column", "y", "--group-column", "race", "--splits", "1"]
    let listed = try CLIRunner.run(base + ["--feature-column", "x", "--feature-column", "race"])
    #expect(listed.status == 2 && listed.stderr.contains("--features"), "stderr: \(listed.stderr)")
    // A proxy column that encodes the group exactly is refused too, naming it.
    let proxy = try CLIRunner.run(base + ["--epochs", "2", "--batch-size", "16"])
    #expect(proxy.status == 2 && proxy.stderr.contains("race_code"), "stderr: \(proxy.stderr)")
  }
}
