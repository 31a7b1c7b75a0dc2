import FairnessData
import Foundation
import Testing

@Suite("Real datasets (need Data/raw)", .enabled(if: TestData.available, TestData.skipMessage))
struct RealDatasetTests {
  @Test func summary() throws {
    for (name, result) in [("adult", TestData.adult), ("compas2", TestData.compasTwo), ("compasAll", TestData.compasAll), ("germanSex", TestData.germanSex), ("germanAge", TestData.germanAge)] {
      let d = try result.get()
      print(name, d.encoded.dataset.rowCount, d.split.train.rowCount, d.split.validation.rowCount, d.split.test.rowCount, d.split.train.featureCount, d.encoded.dataset.jointCounts(), d.encoded.dataset.groupNames, d.encoded.dataset.classNames, d.encoded.droppedRowCount)
    }
  }
}
