import FairnessData
import FuzzingDriver

// CSV text (datasets and `fairmem stats` tables): any bytes either parse into a rectangular
// table with distinct column names whose every cell can be read, or throw a `FairnessDataError`.
// The first byte picks the dialect so the fuzzer explores delimiters, headers and trimming.
runFuzzer { bytes in
  let selector = bytes.first ?? 0
  let delimiters: [Unicode.Scalar] = [",", ";", "\t", "|"]
  let format = CSVFormat(
    delimiter: delimiters[Int(selector & 3)], hasHeader: selector & 4 == 0, trimsWhitespace: selector & 8 == 0,
    skipLeadingLines: Int((selector >> 4) & 1))
  let table: CSVTable
  do {
    table = try CSVTable(bytes: Array(bytes.dropFirst()), source: "<fuzz>", format: format)
  } catch {
    return
  }
  precondition(table.columnCount >= 1, "a table without columns")
  precondition(Set(table.header).count == table.columnCount, "repeated column names: \(table.header)")
  precondition(table.lineNumbers.count == table.rowCount, "one line number per row")
  precondition(zip(table.lineNumbers, table.lineNumbers.dropFirst()).allSatisfy { $0 < $1 }, "line numbers increase")
  for column in 0..<table.columnCount { precondition(table.column(column).count == table.rowCount, "column length") }
}
