// Usage: ModelProbe <model.zip> <input.tsv> <output.txt> <column> [<column> ...]
// input.tsv: a header line, then one row per line; every column is loaded as text.
// output.txt: one line per row per requested column: the values, floats in round-trip format ("R").
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: ModelProbe <model.zip> <input.tsv> <output.txt> <column> [<column> ...]");
    return 2;
}

var ml = new MLContext(seed: 1);
var model = ml.Model.Load(args[0], out _);
string[] header = File.ReadLines(args[1]).First().Split('\t');
var loader = ml.Data.CreateTextLoader(new TextLoader.Options
{
    Columns = header.Select((name, i) => new TextLoader.Column(name, DataKind.String, i)).ToArray(),
    HasHeader = true,
    Separators = ['\t'],
    AllowQuoting = false,
    TrimWhitespace = false,
});
var output = model.Transform(loader.Load(args[1]));

using var writer = new StreamWriter(args[2]);
var columns = args.Skip(3).Select(name => output.Schema[name]).ToArray();
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
