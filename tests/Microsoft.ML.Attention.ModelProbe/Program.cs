// Usage: ModelProbe <model.zip> <input.txt> <output.txt> [--input-column <name>] <column> [<column> ...]
// input.txt: one row per line, the text of column "Text", or of <name> when given (empty lines are empty texts; "\n" stands for a line break).
// output.txt: one line per row per requested column: the values, floats in round-trip format ("R").
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

bool renamed = args.Length > 4 && args[3] == "--input-column";
string inputColumn = renamed ? args[4] : "Text";
string[] outputColumns = args.Skip(renamed ? 5 : 3).ToArray();
if (outputColumns.Length == 0)
{
    Console.Error.WriteLine("usage: ModelProbe <model.zip> <input.txt> <output.txt> [--input-column <name>] <column> [<column> ...]");
    return 2;
}

var ml = new MLContext(seed: 1);
var model = ml.Model.Load(args[0], out _);
var rows = File.ReadAllLines(args[1]).Select(line => new Row { Text = line.Replace("\\n", "\n") }).ToList();
var schemaDefinition = SchemaDefinition.Create(typeof(Row));
schemaDefinition[nameof(Row.Text)].ColumnName = inputColumn;
var output = model.Transform(ml.Data.LoadFromEnumerable(rows, schemaDefinition));

using var writer = new StreamWriter(args[2]);
var columns = outputColumns.Select(name => output.Schema[name]).ToArray();
using var cursor = output.GetRowCursor(columns);
while (cursor.MoveNext())
{
    foreach (var column in columns)
        writer.WriteLine($"{column.Name}\t{Read(cursor, column)}");
}
return 0;

static string Read(DataViewRow row, DataViewSchema.Column column)
{
    var type = column.Type;
    if (type is VectorDataViewType vectorType && vectorType.ItemType.RawType == typeof(float))
    {
        VBuffer<float> vector = default;
        row.GetGetter<VBuffer<float>>(column)(ref vector);
        return string.Join(" ", vector.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
    }
    if (type.RawType == typeof(float))
    {
        float value = 0;
        row.GetGetter<float>(column)(ref value);
        return value.ToString("R", CultureInfo.InvariantCulture);
    }
    if (type.RawType == typeof(bool))
    {
        bool value = false;
        row.GetGetter<bool>(column)(ref value);
        return value.ToString();
    }
    if (type.RawType == typeof(uint))
    {
        uint value = 0;
        row.GetGetter<uint>(column)(ref value);
        return value.ToString(CultureInfo.InvariantCulture);
    }
    ReadOnlyMemory<char> text = default;
    row.GetGetter<ReadOnlyMemory<char>>(column)(ref text);
    return text.ToString().Replace("\n", "\\n");
}

internal sealed class Row
{
    public string Text { get; set; } = "";
}
