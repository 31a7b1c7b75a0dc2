import FairnessData
import Testing

@Suite("Dataset value type")
struct DatasetTests {
  static func small() throws -> Dataset {
    try Dataset(
      features: [1, 2, 3, 4, 5, 6], featureNames: ["a", "b"], labels: [0, 1, 1], classNames: ["n", "p"],
      groups: [1, 0, 1], groupNames: ["g0", "g1"], name: "small")
  }

  @Test func accessorsAndCounts() throws {
    let d = try Self.small()
    #expect(d.rowCount == 3 && d.featureCount == 2 && d.classCount == 2 && d.groupCount == 2)
    #expect(Array(d.row(1)) == [3, 4])
    #expect(d.feature(row: 2, column: 0) == 5)
    #expect(d.featureIndex(named: "b") == 1)
    #expect(d.groupCounts() == [1, 2])
    #expect(d.classCounts() == [1, 2])
    #expect(d.jointCounts() == [[0, 1], [1, 1]])
    #expect(d.empiricalJoint()[1] == [1.0 / 3, 1.0 / 3])
  }

  @Test func subsetKeepsVocabularies() throws {
    let d = try Self.small()
    let s = d.subset([2, 0, 2])
    #expect(s.rowCount == 3)
    #expect(s.features == [5, 6, 1, 2, 5, 6])
    #expect(s.labels == [1, 0, 1] && s.groups == [1, 1, 1])
    #expect(s.groupNames == d.groupNames && s.name == "small")
    #expect(d.subset([Int]()).rowCount == 0)
  }

  @Test("The initializer rejects inconsistent input with a typed error")
  func validation() throws {
    #expect(throws: FairnessDataError.self) {
      try Dataset(
        features: [1, 2, 3], featureNames: ["a", "b"], labels: [0, 1], classNames: ["n", "p"], groups: [0, 0],
        groupNames: ["g"])
    }
    #expect(throws: FairnessDataError.self) {
      try Dataset(
        features: [1, 2], featureNames: ["a"], labels: [0, 2], classNames: ["n", "p"], groups: [0, 0], groupNames: ["g"]
      )
    }
    #expect(throws: FairnessDataError.self) {
      try Dataset(
        features: [1, 2], featureNames: ["a"], labels: [0, 1], classNames: ["n", "p"], groups: [0, -1],
        groupNames: ["g"])
    }
    #expect(throws: FairnessDataError.self) {
      try Dataset(
        features: [1], featureNames: ["a"], labels: [0], classNames: ["n"], groups: [0, 0], groupNames: ["g"])
    }
    let error = #expect(throws: FairnessDataError.self) {
      try Dataset(
        features: [1, 2, .nan, 4], featureNames: ["a", "b"], labels: [0, 1], classNames: ["n", "p"], groups: [0, 0],
        groupNames: ["g"])
    }
    guard case .nonFiniteFeature(let feature, let row, _) = error else {
      Issue.record("expected nonFiniteFeature, got \(String(describing: error))")
      return
    }
    #expect(feature == "a" && row == 1)
    #expect(error!.description.contains("Feature 'a' of row 1"))
  }

  @Test func splitReportsEmptyGroups() throws {
    let d = try Self.small()
    let ok = Split(train: d, validation: d, test: d)
    try ok.requireEveryGroupPresent()
    let bad = Split(train: d, validation: d.subset([0, 2]), test: d)
    #expect(throws: FairnessDataError.emptyGroupInSplit(split: "validation", group: "g0")) {
      try bad.requireEveryGroupPresent()
    }
    #expect(ok.parts.map(\.name) == ["train", "validation", "test"])
  }
}

@Suite("SHA-256")
struct SHA256Tests {
  @Test("FIPS 180-4 test vectors")
  func vectors() {
    #expect(SHA256.hexDigest(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hexDigest(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hexDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(
      SHA256.hexDigest(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1000))
        == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }
}
