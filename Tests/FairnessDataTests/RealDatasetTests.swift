import FairnessData
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Tests on the real files. They run only when Data/raw holds them; CI runs the fetch script
/// first, so there they always run.
@Suite("Real datasets (need Data/raw)", .enabled(if: TestData.available, TestData.skipMessage))
struct RealDatasetTests {
  @Test("Adult: official split, '?' rows dropped, exact row counts")
  func adultRowCounts() throws {
    let data = try TestData.adult.get()
    let all = data.encoded.dataset
    #expect(all.rowCount == 45222)
    #expect(data.encoded.droppedRowCount == 32561 + 16281 - 45222)
    #expect(data.split.train.rowCount + data.split.validation.rowCount == 30162)
    #expect(data.split.test.rowCount == 15060)
    // 15% of every (sex, income) cell of the training file, rounded per cell.
    #expect(data.split.validation.rowCount == 4524)
    #expect(all.groupNames == ["Female", "Male"])
    #expect(all.classNames == ["<=50K", ">50K"])
    // Seed 004, Table 8 (Adult, train + test): female 13026 / 1669, male 20988 / 9539.
    #expect(all.jointCounts() == [[13026, 1669], [20988, 9539]])
    #expect(data.split.test.jointCounts() == [[4356, 557], [7004, 3143]])
    #expect(all.featureCount == 101)
    #expect(!all.featureNames.contains { $0.hasPrefix("sex") || $0 == "fnlwgt" })
    #expect(
      data.numericFeatureIndices.map { all.featureNames[$0] }
        == ["age", "education-num", "capital-gain", "capital-loss", "hours-per-week"])
  }

  @Test("COMPAS: ProPublica filters give 6172 rows, 5278 African-American or Caucasian")
  func compasRowCounts() throws {
    let all = try TestData.compasAll.get().encoded.dataset
    #expect(all.rowCount == 6172)
    #expect(all.groupNames == ["African-American", "Asian", "Caucasian", "Hispanic", "Native American", "Other"])
    #expect(all.groupCounts() == [3175, 31, 2103, 509, 11, 343])
    let two = try TestData.compasTwo.get()
    #expect(two.encoded.dataset.rowCount == 5278)
    // Seed 004, Table 8 (COMPAS): black 1514 / 1661, white 1281 / 822.
    #expect(two.encoded.dataset.jointCounts() == [[1514, 1661], [1281, 822]])
    #expect(two.split.train.rowCount + two.split.validation.rowCount + two.split.test.rowCount == 5278)
    #expect(two.encoded.dataset.featureCount == 12)
    #expect(!two.encoded.dataset.featureNames.contains { $0.hasPrefix("race") || $0.hasPrefix("decile") })
  }

  @Test("German: 1000 rows, sex from A91..A95, age < 25 as the alternative")
  func germanRowCounts() throws {
    let sex = try TestData.germanSex.get()
    #expect(sex.encoded.dataset.rowCount == 1000)
    #expect(sex.encoded.dataset.classNames == ["good", "bad"])
    // Seed 004, Table 8 (German): female 201 / 109, male 499 / 191.
    #expect(sex.encoded.dataset.jointCounts() == [[201, 109], [499, 191]])
    #expect(sex.encoded.dataset.featureCount == 57)
    #expect(!sex.encoded.dataset.featureNames.contains { $0.hasPrefix("personal_status_sex") })
    let age = try TestData.germanAge.get()
    #expect(age.encoded.dataset.jointCounts() == [[88, 61], [612, 239]])
    #expect(age.encoded.dataset.featureCount == 60)
    #expect(!age.encoded.dataset.featureNames.contains("age"))
  }

  @Test("Every part is stratified by label x group within one row per cell")
  func realSplitsAreStratified() throws {
    for data in [try TestData.compasAll.get(), try TestData.germanSex.get(), try TestData.germanAge.get()] {
      let cells = data.encoded.dataset.jointCounts()
      for (part, fraction) in [(data.split.validation, 0.15), (data.split.test, 0.15), (data.split.train, 0.7)] {
        let got = part.jointCounts()
        for g in cells.indices {
          for k in cells[g].indices {
            #expect(
              abs(Double(got[g][k]) - fraction * Double(cells[g][k])) <= 1, "\(part.name ?? "") cell (\(g), \(k))")
          }
        }
      }
    }
  }

  @Test("Numeric features are standardized with training statistics only")
  func realStandardization() throws {
    let data = try TestData.compasTwo.get()
    let rawTrain = data.encoded.dataset.subset(data.splitIndices.train)
    let rawTest = data.encoded.dataset.subset(data.splitIndices.test)
    for (c, j) in data.numericFeatureIndices.enumerated() {
      let column = (0..<rawTrain.rowCount).map { rawTrain.feature(row: $0, column: j) }
      let mean = column.reduce(0, +) / Double(column.count)
      #expect(abs(data.standardizer.means[c] - mean) <= 1e-9 * max(1, abs(mean)))
      let train = (0..<data.split.train.rowCount).map { data.split.train.feature(row: $0, column: j) }
      #expect(abs(train.reduce(0, +) / Double(train.count)) < 1e-9)
      let sd = (train.map { $0 * $0 }.reduce(0, +) / Double(train.count)).squareRoot()
      #expect(abs(sd - 1) < 1e-9)
      for i in 0..<rawTest.rowCount {
        let expected = (rawTest.feature(row: i, column: j) - data.standardizer.means[c]) / data.standardizer.scales[c]
        #expect(abs(data.split.test.feature(row: i, column: j) - expected) <= 1e-12 * max(1, abs(expected)))
      }
    }
    // One-hot columns are untouched.
    let oneHot = Set(0..<data.split.test.featureCount).subtracting(data.numericFeatureIndices)
    for j in oneHot {
      #expect(
        (0..<rawTest.rowCount).allSatisfy {
          data.split.test.feature(row: $0, column: j) == rawTest.feature(row: $0, column: j)
        })
    }
  }

  @Test("Splits are deterministic under a seed and change with it")
  func realSplitsDeterministic() throws {
    let options = RealDatasetOptions(seed: 11, verifyChecksums: false)
    let a = try RealDataset.german(.sex).load(from: TestData.directory, options: options)
    let b = try RealDataset.german(.sex).load(from: TestData.directory, options: options)
    #expect(a.split == b.split)
    let c = try RealDataset.german(.sex).load(
      from: TestData.directory, options: RealDatasetOptions(seed: 12, verifyChecksums: false))
    #expect(a.splitIndices.train != c.splitIndices.train)
  }

  @Test("Options add the sensitive attribute and COMPAS decile score as features")
  func realOptions() throws {
    var options = RealDatasetOptions(verifyChecksums: false)
    options.includeSensitiveAttribute = true
    options.includeCompasDecileScore = true
    let compas = try RealDataset.compas(.twoRaces).encode(from: TestData.directory, options: options).dataset
    #expect(compas.featureNames.contains("race=Caucasian"))
    #expect(compas.featureNames.contains("decile_score"))
    #expect(compas.featureCount == 12 + 2 + 1)
    let adult = try RealDataset.adult.encode(from: TestData.directory, options: options).dataset
    #expect(adult.featureNames.contains("sex=Female") && adult.featureCount == 103)
  }

  @Test("Committed checksums match the files and the library's table")
  func checksums() throws {
    let text = try String(contentsOfFile: TestData.repositoryRoot + "/Data/checksums.sha256", encoding: .utf8)
    var committed = [String: String]()
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ", omittingEmptySubsequences: true)
      committed[String(parts[1])] = String(parts[0])
    }
    for (name, sum) in RealDataset.expectedSHA256 { #expect(committed[name] == sum, "\(name)") }
    // German is small enough to hash in a debug build; Adult and COMPAS are hashed by the
    // release-mode timing test and by the fetch script.
    try RealDataset.verifyFiles(["german.data"], in: TestData.directory)
  }

  @Test("The fetch script is idempotent and stops on a checksum mismatch")
  func fetchScript() throws {
    let directory = try TestData.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // The built-in datasets and the own-data example (arrests.csv, Docs/datasets.md).
    for name in Array(RealDataset.expectedSHA256.keys) + ["arrests.csv"] {
      try FileManager.default.copyItem(atPath: TestData.directory + "/" + name, toPath: directory + "/" + name)
    }
    func run() throws -> (status: Int32, output: String) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["bash", TestData.repositoryRoot + "/Scripts/fetch-datasets.sh"]
      process.environment = ProcessInfo.processInfo.environment.merging(["FAIRMEM_DATA_DIR": directory]) { $1 }
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = pipe
      try process.run()
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
    // All files present: verified, nothing downloaded.
    let ok = try run()
    #expect(ok.status == 0, "\(ok.output)")
    #expect(ok.output.contains("all 5 dataset files present and verified"))
    #expect(!ok.output.contains("downloading"))
    // A corrupted file: non-zero exit naming the file.
    let handle = try #require(FileHandle(forWritingAtPath: directory + "/german.data"))
    handle.seekToEndOfFile()
    handle.write(Data("tampered\n".utf8))
    try handle.close()
    let bad = try run()
    #expect(bad.status != 0)
    #expect(bad.output.contains("checksum mismatch") && bad.output.contains("german.data"), "\(bad.output)")
  }

  @Test(
    "Loading all three datasets with checksum verification takes well under a second (release)",
    .enabled(if: !isDebugBuild, "timing is only meaningful in release builds: swift test -c release"))
  func loadingTime() throws {
    // CPU time of this thread (a synchronous test runs on one thread), so that a busy machine
    // does not make the test flaky; wall-clock time is printed as well.
    func threadCPUSeconds() -> Double {
      var ts = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
      return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
    let clock = ContinuousClock()
    let cpuStart = threadCPUSeconds()
    let wall = try clock.measure {
      for dataset in [RealDataset.adult, .compas(.twoRaces), .german(.sex)] {
        _ = try dataset.load(from: TestData.directory, options: RealDatasetOptions(verifyChecksums: true))
      }
    }
    let cpu = threadCPUSeconds() - cpuStart
    print(
      "[timing] Adult + COMPAS + German read, SHA-256-verified, encoded, split, standardized: \(cpu) s CPU, \(wall) wall"
    )
    #expect(cpu < 1.0)
  }
}

/// Errors that need no real data: missing files, checksum mismatches, malformed files.
@Suite("Real-dataset errors")
struct RealDatasetErrorTests {
  @Test("A missing file says to run the fetch script")
  func missingFile() throws {
    let directory = try TestData.temporaryDirectory()
    for dataset in RealDataset.allCases {
      let error = #expect(throws: FairnessDataError.self) { try dataset.load(from: directory) }
      guard case .missingFile(let path) = error else {
        Issue.record("expected missingFile, got \(String(describing: error))")
        continue
      }
      #expect(path.hasPrefix(directory))
      #expect(error!.description.contains("bash Scripts/fetch-datasets.sh"))
    }
    #expect(!RealDataset.filesPresent(in: directory))
  }

  @Test("A file with the wrong content fails its checksum")
  func checksumMismatch() throws {
    let directory = try TestData.temporaryDirectory()
    try "A11 6 A34\n".write(toFile: directory + "/german.data", atomically: true, encoding: .utf8)
    let error = #expect(throws: FairnessDataError.self) { try RealDataset.german(.sex).load(from: directory) }
    guard case .checksumMismatch(let path, let expected, let actual) = error else {
      Issue.record("expected checksumMismatch, got \(String(describing: error))")
      return
    }
    #expect(path == directory + "/german.data")
    #expect(expected == RealDataset.expectedSHA256["german.data"])
    #expect(actual == SHA256.hexDigest(of: Array("A11 6 A34\n".utf8)))
    #expect(error!.description.contains("Checksum mismatch"))
  }

  @Test("A ragged row in an unverified file is reported with its line")
  func malformedRealFile() throws {
    let directory = try TestData.temporaryDirectory()
    let good = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1"
    try "\(good)\n\(good)\nA11 6 A34\n".write(toFile: directory + "/german.data", atomically: true, encoding: .utf8)
    let options = RealDatasetOptions(verifyChecksums: false)
    #expect(
      throws: FairnessDataError.malformedRow(
        file: directory + "/german.data", line: 3, problem: "expected 21 fields (as in the column names) but found 3")
    ) {
      try RealDataset.german(.sex).load(from: directory, options: options)
    }
  }

  @Test("An unknown personal-status code is reported, not dropped")
  func unknownPersonalStatus() throws {
    let directory = try TestData.temporaryDirectory()
    let good = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1"
    let bad = "A11 6 A34 A43 1169 A65 A75 4 A99 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1"
    try [good, good, bad].joined(separator: "\n").write(
      toFile: directory + "/german.data", atomically: true, encoding: .utf8)
    let error = #expect(throws: FairnessDataError.self) {
      try RealDataset.german(.sex).load(from: directory, options: RealDatasetOptions(verifyChecksums: false))
    }
    guard case .malformedRow(_, 3, let problem) = error else {
      Issue.record("expected malformedRow at line 3, got \(String(describing: error))")
      return
    }
    #expect(problem.contains("A99"))
  }

  @Test("A split that leaves a group empty is reported, not skipped")
  func tinyRealFile() throws {
    let directory = try TestData.temporaryDirectory()
    let male = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1"
    let female = "A11 6 A34 A43 1169 A65 A75 4 A92 A101 4 A121 22 A143 A152 2 A173 1 A192 A201 2"
    try ([String](repeating: male, count: 20) + [female]).joined(separator: "\n")
      .write(toFile: directory + "/german.data", atomically: true, encoding: .utf8)
    let options = RealDatasetOptions(verifyChecksums: false)
    let error = #expect(throws: FairnessDataError.self) {
      try RealDataset.german(.sex).load(from: directory, options: options)
    }
    guard case .emptyGroupInSplit(_, let group) = error else {
      Issue.record("expected emptyGroupInSplit, got \(String(describing: error))")
      return
    }
    #expect(group == "female")
  }
}

#if DEBUG
  let isDebugBuild = true
#else
  let isDebugBuild = false
#endif
