import Foundation
import Testing
import _TestSupport

/// `compare --group-free`: the group-free methods as rows of the comparison, on the same split and
/// learner as `fairmem groupfree`, and exit 2 naming the option on bad input.
@Suite(.serialized) struct CompareGroupFreeTests {
  static let german = CLIRunner.packageRoot.appendingPathComponent("Data/raw/german.data")
  static let base = [
    "compare", "--settings", "german-lr", "--splits", "1", "--methods", "i-jack", "--apply", "ij", "--quick",
  ]

  /// Split seed 0 of german-lr, training seed 0: each gf-<method> row is `fairmem groupfree`'s run
  /// of that method with logistic regression and the same epochs and patience (compare's metrics
  /// against groupfree's own metric code).
  @Test func groupFreeRowsMatchTheGroupFreeCommandOnTheSameSplit() throws {
    guard FileManager.default.fileExists(atPath: Self.german.path) else { return }
    print("[seed] groupFreeRowsMatchTheGroupFreeCommandOnTheSameSplit: split seed 0, training seed 0")
    let compare = try CLIRunner.run(
      Self.base + ["--group-free", "erm,arl,dro,gog,feature-graph", "--neighbours", "1,3", "--json"])
    #expect(compare.status == 0, "stderr: \(compare.stderr)")
    let report = try #require(try CLIRunner.json(compare.stdout) as? [String: Any])
    let definitions = try #require(report["definitions"] as? [String: String])
    #expect(definitions["eo-max"]?.contains("equalized_odds_difference") == true)
    let setting = try #require((report["settings"] as? [[String: Any]])?.first)
    let rows = try #require(setting["rows"] as? [[String: Any]])
    let names = rows.compactMap { $0["method"] as? String }
    let expected = [
      "gf-erm", "gf-arl", "gf-dro", "gf-gog-k1", "gf-gog-k3", "gf-feature-graph-k1", "gf-feature-graph-k3",
    ]
    #expect(names == ["ERM"] + expected + ["i-jack/ij"])
    let groupFree = try CLIRunner.run([
      "groupfree", "--dataset", "german", "--model", "lr", "--splits", "1", "--epochs", "10", "--patience", "3",
      "--method", "erm,dro,gog", "--neighbours", "3", "--json",
    ])
    #expect(groupFree.status == 0, "stderr: \(groupFree.stderr)")
    let runs = try #require((try CLIRunner.json(groupFree.stdout) as? [String: Any])?["runs"] as? [[String: Any]])
    func mean(_ row: [String: Any]?, _ key: String) -> Double? { (row?[key] as? [String: Any])?["mean"] as? Double }
    for (arm, method) in [("gf-erm", "erm"), ("gf-dro", "dro"), ("gf-gog-k3", "gog")] {
      let row = rows.first { ($0["method"] as? String) == arm }
      let test = try #require(runs.first { ($0["method"] as? String) == method }?["test"] as? [String: Any])
      let wacc = try #require(mean(row, "wacc"), "\(arm)")
      let error = try #require(mean(row, "error"))
      let eoMax = try #require(mean(row, "eo-max"))
      #expect(abs(wacc - (test["worstGroupAccuracy"] as? Double ?? -1)) < 1e-12, "\(arm)")
      #expect(abs(error - (1 - (test["accuracy"] as? Double ?? -1))) < 1e-12, "\(arm)")
      #expect(abs(eoMax - (test["equalizedOddsGap"] as? Double ?? -1)) < 1e-12, "\(arm)")
    }
    // ERM's row has the new columns too, and the text report prints every definition.
    #expect(mean(rows.first, "wacc") != nil && mean(rows.first, "eo-max") != nil)
    let text = try CLIRunner.run(Self.base + ["--group-free", "dro"])
    #expect(text.status == 0, "stderr: \(text.stderr)")
    #expect(text.stdout.contains("gf-dro") && text.stdout.contains("eo-max: max(|TPR_0 - TPR_1|, |FPR_0 - FPR_1|)"))
  }

  /// An MLP setting: the gf-gog-k3 row of `compare --settings synthetic-group-size --quick` is
  /// `groupfree`'s run with compare's quick MLP (16 SeLU units) on the same split.
  @Test func mlpSettingRowMatchesGroupFreeWithCompareMLP() throws {
    print("[seed] mlpSettingRowMatchesGroupFreeWithCompareMLP: split seed 0, training seed 0")
    let compare = try CLIRunner.run([
      "compare", "--settings", "synthetic-group-size", "--splits", "1", "--methods", "i-jack", "--apply", "ij",
      "--quick", "--group-free", "gog", "--json",
    ])
    #expect(compare.status == 0, "stderr: \(compare.stderr)")
    let report = try #require(try CLIRunner.json(compare.stdout) as? [String: Any])
    let rows = try #require((report["settings"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]])
    let row = try #require(rows.first { ($0["method"] as? String) == "gf-gog-k3" })
    let groupFree = try CLIRunner.run([
      "groupfree", "--dataset", "synthetic-group-size", "--quick", "--model", "mlp", "--hidden", "16", "--activation",
      "selu", "--splits", "1", "--epochs", "10", "--patience", "3", "--method", "gog", "--json",
    ])
    #expect(groupFree.status == 0, "stderr: \(groupFree.stderr)")
    let run = try #require(
      ((try CLIRunner.json(groupFree.stdout) as? [String: Any])?["runs"] as? [[String: Any]])?.first)
    let test = try #require(run["test"] as? [String: Any])
    let wacc = try #require((row["wacc"] as? [String: Any])?["mean"] as? Double)
    #expect(abs(wacc - (test["worstGroupAccuracy"] as? Double ?? -1)) < 1e-12)
    let error = try #require((row["error"] as? [String: Any])?["mean"] as? Double)
    #expect(abs(error - (1 - (test["accuracy"] as? Double ?? -1))) < 1e-12)
  }

  @Test(arguments: [
    (["--group-free", "gog,magic"], "--group-free"),
    (["--group-free", "gog", "--neighbours", "0"], "--neighbours"),
    (["--group-free", "feature-graph", "--neighbours", "3,64"], "--neighbours"),
    (["--group-free", "gog", "--neighbours", "3,x"], "--neighbours"),
    (["--group-free", "gog", "--group-free-batch-size", "8", "--neighbours", "8"], "--neighbours"),
    (["--group-free", "erm", "--group-free-epochs", "0"], "--group-free-epochs"),
    (["--group-free", "arl", "--group-free-patience", "0"], "--group-free-patience"),
  ])
  func badGroupFreeOptionsExitTwoNamingTheOption(extra: [String], option: String) throws {
    let result = try CLIRunner.run(Self.base + extra)
    #expect(result.status == 2, "stdout: \(result.stdout)")
    #expect(result.stderr.lowercased().contains("error: \(option)"), "stderr: \(result.stderr)")
  }

  /// Known only once the split is loaded: the batch is larger than the training split.
  @Test func aBatchLargerThanTheTrainingSplitExitsTwo() throws {
    guard FileManager.default.fileExists(atPath: Self.german.path) else { return }
    let result = try CLIRunner.run(Self.base + ["--group-free", "dro", "--group-free-batch-size", "100000"])
    #expect(result.status == 2, "stdout: \(result.stdout)")
    #expect(result.stderr.contains("error: --group-free-batch-size"), "stderr: \(result.stderr)")
    #expect(result.stderr.contains("training split"), "stderr: \(result.stderr)")
  }
}
