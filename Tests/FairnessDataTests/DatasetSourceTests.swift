import FailureReporting
import FairnessData
import Foundation
import Testing
import _TestSupport

/// The own-data source (`--csv`): a built-in dataset written out as CSV loads to the same
/// splits, and bad files are refused naming the column.
@Suite("CSV dataset source")
struct DatasetSourceTests {
  static func write(_ text: String, name: String = "data.csv") throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fairmem-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// Everything but the name.
  static func same(_ a: Dataset, _ b: Dataset) -> Bool {
    a.features == b.features && a.featureNames == b.featureNames && a.labels == b.labels
      && a.classNames == b.classNames && a.groups == b.groups && a.groupNames == b.groupNames
  }

  /// Seed 0 with the default 70/15/15 fractions (validate), seed 3 with 60/20/20 (mitigation).
  @Test(
    "German written out as CSV gives the built-in splits", .enabled(if: TestData.available, TestData.skipMessage),
    arguments: [UInt64(0), 3])
  func germanExportMatchesTheBuiltInLoader(seed: UInt64) throws {
    let fractions = seed == 0 ? SplitFractions() : SplitFractions(validation: 0.2, test: 0.2)
    let path = try Self.write(try OwnDataFixtures.germanCSV(), name: "german.csv")
    let source = CSVDatasetSource(path: path, labelColumn: "credit_risk", groupColumns: ["sex"], positiveLabel: "bad")
    let own = try DatasetSource.csv(source).prepare(seed: seed, fractions: fractions)
    let builtIn = try RealDataset.german(.sex).load(
      from: TestData.directory, options: RealDatasetOptions(seed: seed, fractions: fractions))
    for ((name, a), (_, b)) in zip(own.split.parts, builtIn.split.parts) {
      #expect(Self.same(a, b), "\(name) part differs")
    }
    #expect(own.split.train.rowCount > 0 && own.split.train.classNames == ["good", "bad"])
  }

  @Test("COMPAS written out as CSV gives the built-in splits", .enabled(if: TestData.available, TestData.skipMessage))
  func compasExportMatchesTheBuiltInLoader() throws {
    // ProPublica's filters applied here independently of RealDataset, then the used columns written.
    let table = try CSVTable(contentsOfFile: TestData.directory + "/compas-scores-two-years.csv")
    func column(_ name: String) throws -> [String] { table.column(try table.columnIndex(named: name)) }
    let features = [
      "sex", "age", "age_cat", "juv_fel_count", "juv_misd_count", "juv_other_count", "priors_count", "c_charge_degree",
    ]
    let used = try (features + ["race", "two_year_recid"]).map(column)
    let (days, isRecid, degree, score, race) = (
      try column("days_b_screening_arrest"), try column("is_recid"), try column("c_charge_degree"),
      try column("score_text"), try column("race")
    )
    var lines = [(features + ["race", "two_year_recid"]).joined(separator: ",")]
    for r in 0..<table.rowCount {
      guard let d = Double(days[r]), abs(d) <= 30, isRecid[r] != "-1", degree[r] != "O", score[r] != "N/A",
        race[r] == "African-American" || race[r] == "Caucasian"
      else { continue }
      let label = used.last![r] == "1" ? "recidivism within two years" : "no recidivism"
      lines.append((used.dropLast().map { $0[r] } + [label]).joined(separator: ","))
    }
    let path = try Self.write(lines.joined(separator: "\n") + "\n", name: "compas.csv")
    let source = CSVDatasetSource(
      path: path, labelColumn: "two_year_recid", groupColumns: ["race"], positiveLabel: "recidivism within two years")
    let fractions = SplitFractions(validation: 0.2, test: 0.2)
    let own = try source.prepare(seed: 1, fractions: fractions)
    let builtIn = try RealDataset.compas(.twoRaces).load(
      from: TestData.directory, options: RealDatasetOptions(seed: 1, fractions: fractions))
    for ((name, a), (_, b)) in zip(own.split.parts, builtIn.split.parts) {
      #expect(Self.same(a, b), "\(name) part differs")
    }
  }

  static let good = "x,city,g,y\n1.5,n,a,1\n2,s,b,0\n0.5,n,a,0\n3,s,b,1\n"

  @Test(
    "Bad CSV input is refused naming the column",
    arguments: [
      (good, "y", ["nope"], nil as String?, [] as [String], "nope"),
      (good, "label", ["g"], nil, [], "label"),
      ("x,city,g,y\n1.5,n,a,1\n2,s,b,0\n0.5,n,a,2\n", "y", ["g"], "1", [], "y"),
      ("x,city,g,y\n1.5,n,a,1\n,s,b,0\n0.5,n,a,0\n", "y", ["g"], nil, [], "x"),
      ("x,city,g,y\n1.5,n,a,1\nNaN,s,b,0\n0.5,n,a,0\n", "y", ["g"], nil, [], "x"),
      ("x,city,g,y\n1.5,n,a,1\ninf,s,b,0\n0.5,n,a,0\n", "y", ["g"], nil, [], "x"),
      ("x,city,g,y\n1.5,n,a,1\n2,s,,0\n0.5,n,a,0\n", "y", ["g"], nil, [], "g"),
      ("x,city,g,y\n1.5,n,a,1\n2,s,b,\n0.5,n,a,0\n", "y", ["g"], nil, [], "y"),
      ("x,city,g,y\n1.5,n,a,1\n2,s,b,1\n", "y", ["g"], nil, [], "y"),
      (good, "y", ["g"], "maybe", [], "y"),
      (good, "y", ["g"], nil, ["g"], "g"),
      (good, "y", ["g"], nil, ["zip"], "zip"),
    ])
  func badInput(text: String, label: String, groups: [String], positive: String?, categorical: [String], field: String)
    throws
  {
    let path = try Self.write(text)
    let source = CSVDatasetSource(
      path: path, labelColumn: label, groupColumns: groups, categoricalColumns: categorical, positiveLabel: positive)
    do {
      _ = try source.encode()
      Issue.record("accepted bad input (field \(field))")
    } catch {
      #expect(error.failureKind == .badInput)
      #expect(error.field == field || "\(error)".contains("'\(field)'"), "\(error)")
    }
  }

  @Test func aMissingFileIsNotBlamedOnTheFetchScript() throws {
    let source = CSVDatasetSource(path: "no/such/file.csv", labelColumn: "y", groupColumns: ["g"])
    #expect(throws: FairnessDataError.unreadableFile(path: "no/such/file.csv", reason: "no such file")) {
      try source.encode()
    }
  }

  @Test func aGroupTooSmallForEverySplitIsAnEmptyGroup() throws {
    var text = "x,g,y\n"
    for i in 0..<60 { text += "\(i),a,\(i % 2)\n" }
    text += "1,b,0\n"
    let source = CSVDatasetSource(path: try Self.write(text), labelColumn: "y", groupColumns: ["g"])
    #expect(throws: FairnessDataError.self) { try source.prepare(seed: 0, fractions: SplitFractions()) }
    do {
      _ = try source.prepare(seed: 0, fractions: SplitFractions())
    } catch {
      guard case .emptyGroupInSplit(_, let group) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(group == "b")
    }
  }

  @Test func positiveDeclaresClassOneAndCategoricalOneHotEncodes() throws {
    let source = CSVDatasetSource(
      path: try Self.write(Self.good.replacingOccurrences(of: "1.5", with: "1")), labelColumn: "y",
      groupColumns: ["g"], categoricalColumns: ["x"], positiveLabel: "0")
    let table = try source.encode()
    #expect(table.dataset.classNames == ["1", "0"])
    #expect(table.dataset.labels == [0, 1, 1, 0])
    #expect(table.dataset.featureNames == ["x=0.5", "x=1", "x=2", "x=3", "city=n", "city=s"])
    #expect(table.dataset.groupNames == ["a", "b"])
  }

  @Test func sourcesRoundTripThroughJSON() throws {
    let csv = DatasetSource.csv(
      CSVDatasetSource(
        path: "my.csv", labelColumn: "y", groupColumns: ["sex", "race"], featureColumns: ["x"],
        categoricalColumns: ["x"], positiveLabel: "1"))
    for source in [DatasetSource.adult, .syntheticClassSize, csv] {
      let data = try JSONEncoder().encode([source])
      #expect(try JSONDecoder().decode([DatasetSource].self, from: data) == [source])
    }
    #expect(String(decoding: try JSONEncoder().encode([DatasetSource.german]), as: UTF8.self) == "[\"german\"]")
    #expect(csv.name == "my.csv")
  }
}
