import FailureReporting
import FairMemJSON
import FairnessStatistics
import Foundation
import FuzzingDriver

// Statistics JSON (the input of every theory command): any bytes either decode to statistics
// that satisfy `PopulationStatistics`' invariants or throw a bad-input error; nothing traps.
runFuzzer { bytes in
  let decoder = StatisticsDecoder(normalize: bytes.first.map { $0 & 1 == 1 } ?? false)
  let object: [String: Any]
  do {
    object = try decoder.object(from: Data(bytes))
  } catch {
    precondition(
      (error as? any ClassifiedError)?.failureKind == .badInput, "the reader reported \(error) as an internal failure")
    return
  }
  do {
    let stats = try decoder.decode(object: object)
    precondition(stats.groupCount >= 2 && stats.classCount >= 2, "decoded statistics with fewer than 2 groups/classes")
    for row in stats.population {
      for p in row { precondition(p.isFinite && p >= 0 && p <= 1, "decoded probability \(p)") }
    }
    if object["counts"] != nil {
      let exact = try decoder.decodeExact(object: object)
      precondition(exact.groupCount == stats.groupCount, "exact and floating decodes disagree on the groups")
    }
  } catch {
    precondition(
      (error as? any ClassifiedError)?.failureKind == .badInput, "the decoder reported \(error) as an internal failure")
  }
}
