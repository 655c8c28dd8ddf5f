using System.IO.Compression;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Fixtures;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>Saved models as bytes, edited the way a damaged disk or a forger would, and probed in process.</summary>
internal static class ModelZip
{
    /// <summary>A committed fixture loaded and saved again with today's code (so with today's format: checksums included).</summary>
    public static byte[] Resave(SavedModelFixture fixture)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(fixture.ModelPath, out var schema);
        using var stream = new MemoryStream();
        ml.Model.Save(model, schema, stream);
        (model as IDisposable)?.Dispose();
        return stream.ToArray();
    }

    /// <summary>Replaces the content of the one entry whose path ends with <paramref name="name"/>.</summary>
    public static byte[] EditEntry(byte[] zip, string name, Func<byte[], byte[]> edit)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.Entries.Single(e => e.FullName.EndsWith(name, StringComparison.Ordinal));
            byte[] content;
            using (var read = entry.Open())
            {
                using var copy = new MemoryStream();
                read.CopyTo(copy);
                content = copy.ToArray();
            }
            string fullName = entry.FullName;
            entry.Delete();
            using var write = archive.CreateEntry(fullName).Open();
            write.Write(edit(content));
        }
        return stream.ToArray();
    }

    /// <summary>Removes the entry whose path ends with <paramref name="name"/>.</summary>
    public static byte[] RemoveEntry(byte[] zip, string name)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
            archive.Entries.Single(e => e.FullName.EndsWith(name, StringComparison.Ordinal)).Delete();
        return stream.ToArray();
    }

    /// <summary>Loads a model from bytes (through a file, as users do) in a new context.</summary>
    public static ITransformer Load(byte[] zip)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlattention-{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(path, zip);
        try
        {
            return new MLContext(seed: 1).Model.Load(path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// The error of loading a damaged model: ML.NET creates loaders by reflection, so <c>Model.Load</c> throws a
    /// <see cref="System.Reflection.TargetInvocationException"/> (sometimes inside ML.NET's "Error during class instantiation"), whose
    /// innermost exception is the loader's <see cref="InvalidDataException"/>.
    /// </summary>
    public static InvalidDataException LoadError(byte[] zip)
    {
        var error = Assert.ThrowsAny<Exception>(() => Load(zip));
        return Assert.IsType<InvalidDataException>(error.GetBaseException());
    }

    /// <summary>The fixture's output columns for its rows, as text (<see cref="ColumnText"/>).</summary>
    public static List<string> Outputs(ITransformer model, SavedModelFixture fixture)
    {
        var ml = new MLContext(seed: 1);
        var data = fixture.SecondColumn is null
            ? TinyModels.Texts(ml, fixture.Rows.Select(r => r.First))
            : ml.Data.LoadFromEnumerable(fixture.Rows.Select(r => new TextClassificationData.PairRow { Text = r.First, Second = r.Second }).ToList());
        var output = model.Transform(data);
        var columns = fixture.Columns.Select(c => output.Schema[c]).ToList();
        var values = new List<string>();
        using var cursor = output.GetRowCursor(columns);
        while (cursor.MoveNext())
            values.AddRange(columns.Select(c => ColumnText.Read(cursor, c)));
        return values;
    }
}
