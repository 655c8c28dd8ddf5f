// Usage: ModelProbe <model.zip> <input.txt> <output.txt> [--input-column <name>] [--second-column <name>] <column> [<column> ...]
// input.txt: one row per line, the text of column "Text", or of <name> when given (empty lines are empty texts; "\n" stands for a
// line break). With --second-column, each line is "<first><TAB><second>" for a two-text (pair) model.
// output.txt: one line per row per requested column: the values, floats in round-trip format ("R").
// Second mode, for the process-exit tests: ModelProbe --fit-in-background <return|sigint> <corpus.txt> (see BackgroundFit).
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length == 3 && args[0] == "--fit-in-background")
    return BackgroundFit.Run(args[1], args[2]);

string inputColumn = "Text";
string? secondColumn = null;
int next = 3;
while (next + 1 < args.Length && args[next].StartsWith("--", StringComparison.Ordinal))
{
    if (args[next] == "--input-column")
        inputColumn = args[next + 1];
    else if (args[next] == "--second-column")
        secondColumn = args[next + 1];
    else
        break;
    next += 2;
}
string[] outputColumns = args.Skip(next).ToArray();
if (args.Length < 3 || outputColumns.Length == 0)
{
    Console.Error.WriteLine("usage: ModelProbe <model.zip> <input.txt> <output.txt> [--input-column <name>] [--second-column <name>] <column> [<column> ...]");
    return 2;
}

var ml = new MLContext(seed: 1);
var model = ml.Model.Load(args[0], out _);
var rows = File.ReadAllLines(args[1]).Select(line =>
{
    string[] parts = secondColumn is null ? [line] : line.Split('\t', 2);
    return new Row { Text = parts[0].Replace("\\n", "\n"), Second = parts.Length > 1 ? parts[1].Replace("\\n", "\n") : "" };
}).ToList();
var schemaDefinition = SchemaDefinition.Create(typeof(Row));
schemaDefinition[nameof(Row.Text)].ColumnName = inputColumn;
schemaDefinition[nameof(Row.Second)].ColumnName = secondColumn ?? "ModelProbeUnusedSecond";
var output = model.Transform(ml.Data.LoadFromEnumerable(rows, schemaDefinition));

using var writer = new StreamWriter(args[2]);
var columns = outputColumns.Select(name => output.Schema[name]).ToArray();
using var cursor = output.GetRowCursor(columns);
while (cursor.MoveNext())
{
    foreach (var column in columns)
        writer.WriteLine($"{column.Name}\t{ColumnText.Read(cursor, column)}");
}
return 0;

internal sealed class Row
{
    public string Text { get; set; } = "";
    public string Second { get; set; } = "";
}
