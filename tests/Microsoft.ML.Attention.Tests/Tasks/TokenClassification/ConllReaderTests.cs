using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

public sealed class ConllReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("conll-reader-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string text)
    {
        string path = Path.Combine(_folder, $"{Guid.NewGuid():N}.conll");
        File.WriteAllText(path, text);
        return path;
    }

    private static List<(string[] Words, string[] Tags, string Document)> Rows(IDataView data, string words = "Words", string tags = "Tags", string? document = null)
    {
        var rows = new List<(string[], string[], string)>();
        var columns = new[] { data.Schema[words], data.Schema[tags] }.Concat(document is null ? [] : [data.Schema[document]]).ToList();
        using var cursor = data.GetRowCursor(columns);
        var wordGetter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(data.Schema[words]);
        var tagGetter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(data.Schema[tags]);
        var documentGetter = document is null ? null : cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[document]);
        VBuffer<ReadOnlyMemory<char>> w = default, t = default;
        ReadOnlyMemory<char> d = default;
        while (cursor.MoveNext())
        {
            wordGetter(ref w);
            tagGetter(ref t);
            documentGetter?.Invoke(ref d);
            rows.Add((w.DenseValues().Select(v => v.ToString()).ToArray(), t.DenseValues().Select(v => v.ToString()).ToArray(), d.ToString()));
        }
        return rows;
    }

    [Fact]
    public void Brown_file_gives_52370_sentences_of_1056472_tokens_and_the_documented_split()
    {
        var ml = new MLContext(seed: 1);
        var data = ConllReader.Load(ml, BrownSample.Path, "Document", new ConllColumn("Words", 0), new ConllColumn("Tags", 1), new ConllColumn("Names", 2));

        var rows = Rows(data, document: "Document");

        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance), data.Schema["Words"].Type);
        Assert.Equal(TextDataViewType.Instance, data.Schema["Document"].Type);
        Assert.Equal(52370, data.GetRowCount());
        Assert.Equal(52370, rows.Count);
        Assert.Equal(1056472, rows.Sum(r => r.Words.Length));
        Assert.All(rows, r => Assert.Equal(r.Words.Length, r.Tags.Length));
        var (words, tags, document) = rows[0];
        Assert.Equal("ca01", document);
        Assert.Equal(["The", "Fulton", "County", "Grand", "Jury", "said"], words[..6]);
        Assert.Equal(["at", "np-tl", "nn-tl", "jj-tl", "nn-tl", "vbd"], tags[..6]);
        // The README's split: test = documents whose number ends in 0 (4,744 sentences, 94,774 tokens), dev = ending in 5.
        var test = rows.Where(r => r.Document.EndsWith('0')).ToList();
        var dev = rows.Where(r => r.Document.EndsWith('5')).ToList();
        Assert.Equal((4744, 94774), (test.Count, test.Sum(r => r.Words.Length)));
        Assert.Equal((5914, 120857), (dev.Count, dev.Sum(r => r.Words.Length)));
    }

    [Fact]
    public void Comments_docstart_lines_blank_lines_and_crlf_are_skipped_and_spaces_separate_fields()
    {
        string path = Write(
            "-DOCSTART- -X- -X- O\r\n\r\n# newdoc id = d1\r\n# a comment\r\nEU NNP B-ORG\r\nrejects  VBZ   O\r\n#  NN O\r\n\r\n\r\n" +
            "# doc = d2 (extra)\nPeter NNP B-PER\nBlackburn NNP I-PER  \n");
        var ml = new MLContext(seed: 1);

        var rows = Rows(ConllReader.Load(ml, path, "Doc", new ConllColumn("Words", 0), new ConllColumn("Tags", 2)), document: "Doc");

        Assert.Equal(2, rows.Count);
        Assert.Equal(["EU", "rejects", "#"], rows[0].Words);      // a '#' line inside a sentence is a token
        Assert.Equal(["B-ORG", "O", "O"], rows[0].Tags);
        Assert.Equal("d1", rows[0].Document);
        Assert.Equal(["Peter", "Blackburn"], rows[1].Words);
        Assert.Equal(["B-PER", "I-PER"], rows[1].Tags);
        Assert.Equal("d2", rows[1].Document);
    }

    [Fact]
    public void Tab_separated_fields_may_hold_spaces()
    {
        string path = Write("New York\tNNP\tB-LOC\nis\tVBZ\tO\n");

        var rows = Rows(ConllReader.Load(new MLContext(1), path, new ConllColumn("Words", 0), new ConllColumn("Tags", 2)));

        Assert.Equal(["New York", "is"], Assert.Single(rows).Words);
    }

    [Fact]
    public void A_line_with_another_number_of_fields_names_the_file_and_the_line()
    {
        string path = Write("# doc = x\nThe\tat\tO\nFulton\tnp-tl\nCounty\tnn-tl\tI-NAME\n");

        var error = Assert.Throws<FormatException>(() => ConllReader.Load(new MLContext(1), path, new ConllColumn("Words", 0)));

        Assert.Contains($"'{path}', line 3: 2 fields, but the first token line (line 2) has 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_columns_and_a_missing_file_are_named()
    {
        string path = Write("The\tat\tO\n");
        var ml = new MLContext(1);

        var outside = Assert.Throws<ArgumentException>(() => ConllReader.Load(ml, path, new ConllColumn("Chunks", 3)));
        var twice = Assert.Throws<ArgumentException>(() => ConllReader.Load(ml, path, new ConllColumn("Words", 0), new ConllColumn("Words", 1)));
        var none = Assert.Throws<ArgumentException>(() => ConllReader.Load(ml, path));
        var missing = Assert.Throws<FileNotFoundException>(() => ConllReader.Load(ml, Path.Combine(_folder, "none.conll"), new ConllColumn("Words", 0)));

        Assert.Contains("ConllColumn 'Chunks' reads field 3", outside.Message, StringComparison.Ordinal);
        Assert.Contains("'Words'", twice.Message, StringComparison.Ordinal);
        Assert.Contains("At least one ConllColumn", none.Message, StringComparison.Ordinal);
        Assert.Contains("none.conll", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_of_one_sentence_still_has_variable_length_vectors_and_shuffles()
    {
        string path = Write("a\tx\nb\ty\n\nc\tz\n");
        var ml = new MLContext(1);
        var data = ConllReader.Load(ml, path, new ConllColumn("Words", 0), new ConllColumn("Tags", 1));

        var shuffled = Rows(ml.Data.ShuffleRows(data, seed: 3));

        Assert.Equal(0, ((VectorDataViewType)data.Schema["Words"].Type).Size);
        Assert.Equal(["a b", "c"], shuffled.Select(r => string.Join(' ', r.Words)).Order());
    }
}
