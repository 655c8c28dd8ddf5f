using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Reads the labeled sentences of <see cref="TransformerTask.TokenClassification"/> from a data view: the words (a vector of text, or a
/// text column split on white space) and one label per word (a vector of text or of keys). Rows that cannot be trained on are skipped
/// and counted by reason: a label count that differs from the word count, a missing key (0), a label outside the classes (a validation
/// set's text label not seen in training), an empty sentence.
/// </summary>
internal static class TokenClassificationReader
{
    /// <summary>The words of a text, split on white space, and each word's first character in it.</summary>
    public static (string[] Words, int[] Starts) Split(string text)
    {
        var words = new List<string>();
        var starts = new List<int>();
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
                i++;
            if (i > start)
            {
                words.Add(text[start..i]);
                starts.Add(start);
            }
        }
        return ([.. words], [.. starts]);
    }

    /// <summary>The labeled sentences and the skipped rows by reason.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="wordsColumn">The words column.</param>
    /// <param name="wordsAreVector">true = a vector of text; false = a text column split on white space.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="labels">The classes: text labels map to their index (an unknown one skips the row), keys to key - 1.</param>
    public static (List<TokenClassificationExample> Examples, Dictionary<string, int> Skipped) Read(IDataView data, string wordsColumn, bool wordsAreVector,
        string labelColumn, TokenClassificationLabels labels)
    {
        var words = data.Schema[wordsColumn];
        var label = data.Schema[labelColumn];
        var examples = new List<TokenClassificationExample>();
        var skipped = new Dictionary<string, int>();
        var index = labels.IsKey ? null : labels.Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        using var cursor = data.GetRowCursor([words, label]);
        var readWords = WordsGetter(cursor, words, wordsAreVector);
        ValueGetter<VBuffer<ReadOnlyMemory<char>>>? textLabels = labels.IsKey ? null : cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(label);
        ValueGetter<VBuffer<uint>>? keyLabels = labels.IsKey ? cursor.GetGetter<VBuffer<uint>>(label) : null;
        VBuffer<ReadOnlyMemory<char>> textBuffer = default;
        VBuffer<uint> keyBuffer = default;
        while (cursor.MoveNext())
        {
            string[] sentence = readWords();
            int[] classes;
            if (textLabels is not null)
            {
                textLabels(ref textBuffer);
                classes = [.. textBuffer.DenseValues().Select(v => index!.TryGetValue(v.ToString(), out int c) ? c : -1)];
            }
            else
            {
                keyLabels!(ref keyBuffer);
                classes = [.. keyBuffer.DenseValues().Select(k => (int)k - 1)];
            }
            string? reason = sentence.Length == 0 && classes.Length == 0 ? "empty sentences"
                : sentence.Length != classes.Length ? "rows whose label count differs from their word count"
                : Array.IndexOf(classes, -1) >= 0 ? (labels.IsKey ? "rows with a missing label (key 0)" : "rows with a label not seen in training")
                : null;
            if (reason is null)
                examples.Add(new TokenClassificationExample(sentence, classes));
            else
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
        }
        return (examples, skipped);
    }

    /// <summary>Every text label of <paramref name="labelColumn"/> (a vector of text): the classes of a text-labeled training set.</summary>
    public static IEnumerable<string> TextLabels(IDataView data, string labelColumn)
    {
        var column = data.Schema[labelColumn];
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> buffer = default;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            foreach (var value in buffer.DenseValues())
                seen.Add(value.ToString());
        }
        return seen;
    }

    private static Func<string[]> WordsGetter(DataViewRowCursor cursor, DataViewSchema.Column column, bool isVector)
    {
        if (isVector)
        {
            var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            return () =>
            {
                getter(ref buffer);
                return [.. buffer.DenseValues().Select(w => w.ToString())];
            };
        }
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        return () =>
        {
            text(ref value);
            return Split(value.ToString()).Words;
        };
    }
}
