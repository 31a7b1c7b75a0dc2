import FairnessData
import Foundation
import Mitigation
import Testing
import _TestSupport

/// Every empirical command on the user's own CSV (`--csv FILE --label COL --group COL...`):
/// seeded end-to-end runs, the built-in German table written out as CSV giving the built-in
/// report, and bad input refused with exit 2 naming the column or option.
@Suite("Own data (--csv) through the CLI")
struct OwnDataCLITests {
  /// A seeded 600-record table (groups a/b, label yes/no), written once.
  static let seededPath: String = {
    var rng = TestSeed.generator(default: 14)
    return try! CLIRunner.temporaryFile(OwnDataFixtures.seededCSV(rows: 600, using: &rng), suffix: ".csv")
  }()
  static var own: [String] {
    ["--csv", seededPath, "--label", "outcome", "--group", "group", "--categorical", "year", "--positive", "yes"]
  }

  static func json(_ arguments: [String]) throws -> [String: Any] {
    let result = try CLIRunner.run(arguments + ["--json"])
    try #require(result.status == 0, "fairmem \(arguments.joined(separator: " ")): \(result.stderr)")
    return try #require(try CLIRunner.json(result.stdout) as? [String: Any])
  }

  /// The data source as the reports record it.
  static func recordedSource(_ value: Any?) -> [String: Any]? { value as? [String: Any] }

  @Test func reweightRunsOnTheCSVAndRecordsTheSource() throws {
    let report = try Self.json(["reweight"] + Self.own + ["--method", "i-jack", "--lambda", "1"])
    let source = try #require(Self.recordedSource(report["dataset"]))
    #expect(source["csv"] as? String == Self.seededPath)
    #expect(source["label"] as? String == "outcome" && source["groups"] as? [String] == ["group"])
    #expect(source["categorical"] as? [String] == ["year"] && source["positive"] as? String == "yes")
    let erm = try #require(report["erm"] as? [String: Any])
    let test = try #require(erm["test"] as? [String: Any])
    let accuracy = try #require(test["accuracy"] as? Double)
    // The label is a noisy function of the features: the classifier must beat the majority rate.
    #expect(accuracy > 0.75, "test accuracy \(accuracy)")
  }

  @Test func csvReportsDecodeIntoTheirTypes() throws {
    let source = DatasetSource.csv(
      CSVDatasetSource(
        path: Self.seededPath, labelColumn: "outcome", groupColumns: ["group"], categoricalColumns: ["year"],
        positiveLabel: "yes"))
    let reweight = try CLIRunner.run(["reweight"] + Self.own + ["--method", "drop-k", "--k", "3", "--json"])
    let report = try JSONDecoder().decode(ReweightingReport.self, from: Data(reweight.stdout.utf8))
    #expect(report.dataset == source && report.result.dropped == 3)
    let compare = try CLIRunner.run(["compare"] + Self.own + ["--splits", "1", "--methods", "drop-k", "--json"])
    let comparison = try JSONDecoder().decode(ComparisonReport.self, from: Data(compare.stdout.utf8))
    #expect(comparison.settings.map(\.setting) == [ComparisonSetting(csv: source.csvSource!, model: .lr)])
  }

  @Test func compareRunsBothModelsOnTheCSV() throws {
    let report = try Self.json(
      ["compare"] + Self.own + ["--settings", "csv-lr,csv-mlp", "--splits", "2", "--methods", "i-jack", "--quick"])
    let settings = try #require(report["settings"] as? [[String: Any]])
    let names = settings.compactMap { ($0["setting"] as? [String: Any])?["name"] as? String }
    let file = URL(fileURLWithPath: Self.seededPath).lastPathComponent
    #expect(names == ["\(file)-lr", "\(file)-mlp"])
    for setting in settings {
      let rows = try #require(setting["rows"] as? [[String: Any]])
      #expect(rows.map { $0["method"] as? String } == ["ERM", "i-jack/ij", "i-jack/retrain"])
    }
  }

  @Test func validateChecksTheTheoryOnTheCSV() throws {
    let report = try Self.json(["validate"] + Self.own + ["--quiet", "--check"])
    let real = try #require(report["real"] as? [[String: Any]])
    #expect(real.count == 1 && real[0]["name"] as? String == URL(fileURLWithPath: Self.seededPath).lastPathComponent)
    #expect((report["synthetic"] as? [Any])?.isEmpty == true)
    let metrics = try #require(real[0]["metrics"] as? [[String: Any]])
    #expect(metrics.count == 3 && metrics.allSatisfy { $0["agrees"] as? Bool == true })
  }

  @Test func groupfreeAndSteerRunOnTheCSV() throws {
    let groupFree = try Self.json(
      ["groupfree"] + Self.own + ["--method", "erm,gog", "--splits", "1", "--epochs", "3", "--model", "lr"])
    #expect(groupFree["groupNames"] as? [String] == ["a", "b"])
    #expect((groupFree["summaries"] as? [Any])?.count == 2)
    let steer = try Self.json(["steer"] + Self.own + ["--splits", "1", "--intervention", "affirmative"])
    #expect(steer["steered_features"] as? [String] == ["income", "debt"])
    #expect(steer["groups"] as? [String] == ["a", "b"])
  }

  /// Drops the keys that name the data source.
  static func withoutSource(_ value: Any) -> Any {
    if let object = value as? [String: Any] {
      return object.filter { !["dataset", "setting", "seconds", "name", "datasets", "options"].contains($0.key) }
        .mapValues(withoutSource)
    }
    if let list = value as? [Any] { return list.map(withoutSource) }
    return value
  }

  static func equalJSON(_ a: Any, _ b: Any) throws -> Bool {
    let options: JSONSerialization.WritingOptions = [.sortedKeys]
    return try JSONSerialization.data(withJSONObject: withoutSource(a), options: options)
      == JSONSerialization.data(withJSONObject: withoutSource(b), options: options)
  }

  static let germanPath: String? = {
    guard OwnDataFixtures.germanAvailable else { return nil }
    return try? CLIRunner.temporaryFile(OwnDataFixtures.germanCSV(), suffix: ".csv")
  }()
  static var german: [String] {
    ["--csv", germanPath ?? "", "--label", "credit_risk", "--group", "sex", "--positive", "bad"]
  }
  static var dataDir: [String] { ["--data-dir", OwnDataFixtures.dataDirectory] }

  @Test(
    "German written out as CSV gives the built-in report", .enabled(if: OwnDataFixtures.germanAvailable),
    arguments: [
      ["reweight", "--model", "lr", "--method", "fairif", "--apply", "retrain"],
      ["compare", "--splits", "2", "--methods", "i-jack,drop-k", "--apply", "ij"],
      ["groupfree", "--method", "erm,dro", "--splits", "1", "--epochs", "3", "--model", "lr"],
      ["steer", "--splits", "1", "--intervention", "mean"],
    ])
  func germanCSVMatchesBuiltIn(command: [String]) throws {
    let builtIn =
      command[0] == "compare" ? ["--settings", "german-lr"] : ["--dataset", "german"]
    let own = command[0] == "compare" ? ["--settings", "csv-lr"] : []
    let a = try Self.json(command + builtIn + Self.dataDir)
    let b = try Self.json(command + Self.german + own)
    #expect(try Self.equalJSON(a, b))
  }

  @Test("validate: German as CSV gives the built-in numbers", .enabled(if: OwnDataFixtures.germanAvailable))
  func germanCSVValidatesLikeBuiltIn() throws {
    let a = try Self.json([
      "validate", "--datasets", "german", "--synthetic", "0", "--quiet", "--data-directory",
      OwnDataFixtures.dataDirectory,
    ])
    let b = try Self.json(["validate", "--quiet"] + Self.german)
    let realA = try #require(a["real"] as? [[String: Any]])
    let realB = try #require(b["real"] as? [[String: Any]])
    #expect(realA.count == 1 && realB.count == 1)
    #expect(try Self.equalJSON(realA, realB))
    #expect(realB[0]["name"] as? String == URL(fileURLWithPath: Self.germanPath ?? "").lastPathComponent)
  }

  static let tiny = "x,g,y\n1,a,1\n2,b,0\n3,a,0\n4,b,1\n5,a,maybe\n"

  @Test(
    "Bad own data exits 2 naming the column or option",
    arguments: [
      (["--label", "nope", "--group", "g"], "nope"),
      (["--label", "y", "--group", "colour"], "colour"),
      (["--label", "y", "--group", "g", "--positive", "1"], "'y'"),
      (["--label", "y", "--group", "g", "--categorical", "g"], "'g'"),
      (["--label", "y"], "--group"),
      (["--label", "y", "--group", "y"], "--group"),
    ])
  func badInputExitsTwo(extra: [String], named: String) throws {
    let path = try CLIRunner.temporaryFile(Self.tiny, suffix: ".csv")
    for command in [["reweight"], ["compare"], ["validate", "--quiet"], ["groupfree"], ["steer"]] {
      let result = try CLIRunner.run(command + ["--csv", path] + extra)
      #expect(result.status == 2, "\(command) \(extra): \(result.stderr)")
      #expect(result.stderr.contains(named), "\(command) \(extra): \(result.stderr)")
    }
  }

  @Test func nanAndBlankCellsAndOptionsWithoutCSVExitTwo() throws {
    let nan = try CLIRunner.temporaryFile("x,g,y\n1,a,1\nnan,b,0\n3,a,0\n4,b,1\n", suffix: ".csv")
    let blank = try CLIRunner.temporaryFile("x,g,y\n1,a,1\n2,,0\n3,a,0\n4,b,1\n", suffix: ".csv")
    for (path, column) in [(nan, "'x'"), (blank, "'g'")] {
      let result = try CLIRunner.run(["reweight", "--csv", path, "--label", "y", "--group", "g"])
      #expect(result.status == 2 && result.stderr.contains(column), "\(result.stderr)")
      #expect(!result.stderr.lowercased().contains("fatal"))
    }
    let stray = try CLIRunner.run(["reweight", "--label", "y"])
    #expect(stray.status == 2 && stray.stderr.contains("--label"), "\(stray.stderr)")
    var text = "x,g,y\n"
    for i in 0..<90 { text += "\(i),\(["a", "b"][i % 2]),\(["no", "yes", "maybe"][(i / 2) % 3])\n" }
    let threeClasses = try CLIRunner.temporaryFile(text, suffix: ".csv")
    let multi = try CLIRunner.run(["reweight", "--csv", threeClasses, "--label", "y", "--group", "g"])
    #expect(
      multi.status == 2 && multi.stderr.contains("label: ") && multi.stderr.contains("3 classes"), "\(multi.stderr)")
  }
}
