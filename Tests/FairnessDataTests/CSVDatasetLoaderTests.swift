import FairnessData
import Foundation
import Testing
import _TestSupport

@Suite("Generic CSV loader")
struct CSVDatasetLoaderTests {
  static let people = """
    id,sex,race,age,city,income,label
    1,F,A,30,Paris,10.5,yes
    2,M,B,41,Rome,20,no
    3,F,B,25,Paris,?,yes
    4,M,A,52,Oslo,35.25,no
    5,F,A,19,Rome,8,no
    6,M,B,33,Paris,12,yes
    """

  @Test("Kinds are detected; categoricals are one-hot with sorted levels")
  func detection() throws {
    var options = CSVDatasetOptions(
      labelColumn: "label", groupColumns: ["sex"], featureColumns: ["age", "city", "income"])
    options.name = "people"
    let table = try CSVDatasetLoader.load(text: Self.people, options: options)
    let data = table.dataset
    #expect(data.name == "people")
    #expect(data.rowCount == 5)  // row 3 has '?' income and is dropped
    #expect(table.droppedRowCount == 1)
    #expect(table.sourceLines == [2, 3, 5, 6, 7])
    #expect(data.featureNames == ["age", "city=Oslo", "city=Paris", "city=Rome", "income"])
    #expect(table.columns.map(\.kind) == [.numeric, .categorical, .numeric])
    #expect(table.numericFeatureIndices == [0, 4])
    #expect(Array(data.row(0)) == [30, 0, 1, 0, 10.5])
    #expect(data.classNames == ["no", "yes"])
    #expect(data.labels == [1, 0, 0, 0, 1])
    #expect(data.groupNames == ["F", "M"])
    #expect(data.groups == [0, 1, 1, 0, 1])
  }

  @Test("Default features are all columns but label and groups; kinds can be forced")
  func defaultsAndForcedKinds() throws {
    var options = CSVDatasetOptions(labelColumn: "label", groupColumns: ["sex"])
    options.columnKinds["id"] = .categorical
    let data = try CSVDatasetLoader.load(text: Self.people, options: options).dataset
    #expect(data.featureNames.first == "id=1")
    #expect(!data.featureNames.contains { $0.hasPrefix("sex") || $0.hasPrefix("label") })
    #expect(data.featureNames.contains("race=A"))
  }

  @Test("Several group columns give intersectional groups")
  func intersectional() throws {
    let options = CSVDatasetOptions(labelColumn: "label", groupColumns: ["sex", "race"], featureColumns: ["age"])
    let data = try CSVDatasetLoader.load(text: Self.people, options: options).dataset
    #expect(data.groupNames == ["F & A", "F & B", "M & A", "M & B"])
    #expect(data.groupCounts() == [2, 1, 1, 2])
  }

  @Test("Missing values: dropped by default, or an error naming line and column")
  func missingValues() throws {
    var options = CSVDatasetOptions(labelColumn: "label", groupColumns: ["sex"], featureColumns: ["income"])
    options.missingValuePolicy = .fail
    let error = #expect(throws: FairnessDataError.self) {
      try CSVDatasetLoader.load(text: Self.people, source: "people.csv", options: options)
    }
    #expect(error == .missingValue(file: "people.csv", line: 4, column: "income"))
    #expect(error?.description.contains("people.csv:4") == true)
    // An empty field is missing too, also in label and group columns.
    options.missingValuePolicy = .dropRow
    let data = try CSVDatasetLoader.load(
      text: "sex,income,label\nF,1,yes\n,2,no\nM,3,\nM,,no\nF,4,no\n", options: options)
    #expect(data.dataset.rowCount == 2 && data.droppedRowCount == 3)
  }

  @Test("Unknown and conflicting columns are reported with the available names")
  func unknownColumns() throws {
    let cases: [CSVDatasetOptions] = [
      CSVDatasetOptions(labelColumn: "salary", groupColumns: ["sex"]),
      CSVDatasetOptions(labelColumn: "label", groupColumns: ["gender"]),
      CSVDatasetOptions(labelColumn: "label", groupColumns: ["sex"], featureColumns: ["age", "height"]),
    ]
    for (options, name) in zip(cases, ["salary", "gender", "height"]) {
      let error = #expect(throws: FairnessDataError.self) {
        try CSVDatasetLoader.load(text: Self.people, options: options)
      }
      #expect(
        error
          == .unknownColumn(
            name: name, file: "<text>", available: ["id", "sex", "race", "age", "city", "income", "label"]))
      #expect(error?.description.contains("Unknown column '\(name)'") == true)
    }
    var kinds = CSVDatasetOptions(labelColumn: "label", groupColumns: ["sex"])
    kinds.columnKinds["weight"] = .numeric
    #expect(throws: FairnessDataError.self) { try CSVDatasetLoader.load(text: Self.people, options: kinds) }
    let labelAsGroup = CSVDatasetOptions(labelColumn: "label", groupColumns: ["label"])
    #expect(throws: FairnessDataError.self) { try CSVDatasetLoader.load(text: Self.people, options: labelAsGroup) }
    let labelAsFeature = CSVDatasetOptions(labelColumn: "label", groupColumns: ["sex"], featureColumns: ["label"])
    #expect(throws: FairnessDataError.self) { try CSVDatasetLoader.load(text: Self.people, options: labelAsFeature) }
    let noGroups = CSVDatasetOptions(labelColumn: "label", groupColumns: [])
    #expect(throws: FairnessDataError.self) { try CSVDatasetLoader.load(text: Self.people, options: noGroups) }
  }

  @Test(
    "NaN and infinities in numeric columns are errors naming line and column",
    arguments: ["nan", "NaN", "inf", "-Infinity"])
  func nonFinite(_ token: String) throws {
    let text = "g,x,y\na,1.5,0\nb,\(token),1\na,2,1\nb,3,0\n"
    let options = CSVDatasetOptions(labelColumn: "y", groupColumns: ["g"])
    let error = #expect(throws: FairnessDataError.self) {
      try CSVDatasetLoader.load(text: text, source: "n.csv", options: options)
    }
    #expect(error == .nonFiniteValue(file: "n.csv", line: 3, column: "x", text: token))
  }

  @Test("A non-number in a column forced numeric, and a label outside classOrder, are malformed rows")
  func malformedValues() throws {
    var options = CSVDatasetOptions(labelColumn: "label", groupColumns: ["sex"], featureColumns: ["city"])
    options.columnKinds["city"] = .numeric
    let error = #expect(throws: FairnessDataError.self) {
      try CSVDatasetLoader.load(text: Self.people, options: options)
    }
    guard case .malformedRow(_, 2, let problem) = error else {
      Issue.record("expected malformedRow at line 2, got \(String(describing: error))")
      return
    }
    #expect(problem.contains("'city'") && problem.contains("Paris"))
    var classes = CSVDatasetOptions(labelColumn: "label", groupColumns: ["sex"], featureColumns: ["age"])
    classes.classOrder = ["yes"]
    #expect(throws: FairnessDataError.self) { try CSVDatasetLoader.load(text: Self.people, options: classes) }
  }

  @Test("classOrder, groupOrder and mappings control vocabularies; unlisted groups are dropped")
  func ordersAndMappings() throws {
    var options = CSVDatasetOptions(labelColumn: "label", groupColumns: ["city"], featureColumns: ["age"])
    options.classOrder = ["YES", "NO"]
    options.labelMapping = { $0.uppercased() }
    options.groupOrder = ["Rome", "Paris"]
    let table = try CSVDatasetLoader.load(text: Self.people, options: options)
    #expect(table.dataset.groupNames == ["Rome", "Paris"])
    #expect(table.dataset.rowCount == 5)  // Oslo dropped
    #expect(table.dataset.labels == [0, 1, 0, 1, 0])
    var mapped = CSVDatasetOptions(labelColumn: "label", groupColumns: ["age"], featureColumns: ["income"])
    mapped.groupMapping = { Double($0[0]).map { $0 < 31 ? "young" : "old" } }
    #expect(try CSVDatasetLoader.load(text: Self.people, options: mapped).dataset.groupNames == ["old", "young"])
  }

  @Test("Numeric labels and levels sort numerically")
  func numericSorting() throws {
    let text = "g,c,y\na,10,2\nb,9,10\na,10,1\nb,9,2\n"
    var options = CSVDatasetOptions(labelColumn: "y", groupColumns: ["g"])
    options.columnKinds["c"] = .categorical
    let data = try CSVDatasetLoader.load(text: text, options: options).dataset
    #expect(data.classNames == ["1", "2", "10"])
    #expect(data.featureNames == ["c=9", "c=10"])
  }

  @Test("Loading from a temporary file, then preparing standardized seeded splits")
  func fileAndPrepare() throws {
    var rng = TestSeed.generator(default: 20_240_611)
    var lines = ["group,x,kind,label"]
    for i in 0..<400 {
      let g = i % 4 == 0 ? "minority" : "majority"
      let y = Double.random(in: 0..<1, using: &rng) < (g == "minority" ? 0.3 : 0.6) ? "pos" : "neg"
      lines.append("\(g),\(Double(i) * 0.5 + 3),\(["u", "v", "w"][i % 3]),\(y)")
    }
    let path = try TestData.temporaryDirectory() + "/mine.csv"
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let table = try CSVDatasetLoader.load(
      contentsOfFile: path, options: CSVDatasetOptions(labelColumn: "label", groupColumns: ["group"]))
    #expect(table.dataset.rowCount == 400 && table.dataset.featureCount == 4)
    let prepared = try table.prepare(fractions: SplitFractions(validation: 0.2, test: 0.2), seed: 5)
    #expect(prepared.split.train.rowCount + prepared.split.validation.rowCount + prepared.split.test.rowCount == 400)
    #expect(prepared.numericFeatureIndices == [0])
    let x = (0..<prepared.split.train.rowCount).map { prepared.split.train.feature(row: $0, column: 0) }
    #expect(abs(x.reduce(0, +)) < 1e-9)
    #expect(try table.prepare(seed: 5).split == table.prepare(seed: 5).split)
    // A part with fraction 0 may be empty.
    let noValidation = try table.prepare(fractions: SplitFractions(validation: 0, test: 0.3), seed: 5)
    #expect(noValidation.split.validation.rowCount == 0 && abs(noValidation.split.test.rowCount - 120) <= 2)
  }
}
