import FairnessData
import Foundation
import Testing

/// Where the tests find the raw dataset files, and cached loads shared by tests.
enum TestData {
  /// The repository root, found from this file's path (Tests/FairnessDataTests/TestData.swift).
  static let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// `FAIRMEM_DATA_DIR` when set, otherwise `<repo>/Data/raw`.
  static let directory: String =
    ProcessInfo.processInfo.environment["FAIRMEM_DATA_DIR"] ?? repositoryRoot + "/Data/raw"

  /// Whether all raw files are present (tests needing them are skipped otherwise).
  static let available: Bool = RealDataset.filesPresent(in: directory)

  /// The skip message shown when the files are missing.
  static let skipMessage: Comment =
    "Data/raw lacks the dataset files: run `bash Scripts/fetch-datasets.sh` to enable this test"

  static func load(_ dataset: RealDataset) -> Result<PreparedData, FairnessDataError> {
    Result { () throws(FairnessDataError) in
      try dataset.load(from: directory, options: RealDatasetOptions(verifyChecksums: false))
    }
  }

  /// Loaded once per test process (parsing Adult in a debug build takes a moment).
  static let adult = load(.adult)
  static let compasTwo = load(.compas(.twoRaces))
  static let compasAll = load(.compas(.allRaces))
  static let germanSex = load(.german(.sex))
  static let germanAge = load(.german(.age))

  /// A fresh temporary directory.
  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "fairmem-data-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}
