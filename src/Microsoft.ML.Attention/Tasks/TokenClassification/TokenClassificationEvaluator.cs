using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>
/// Token accuracy and entity-level precision, recall and F1 of per-word tags, with the CoNLL <c>conlleval</c> / seqeval conventions: an
/// entity counts as correct only when its first word, last word and type all equal a gold entity's; micro averages count entities over
/// all types; spans are read as <see cref="TagScheme"/> describes (seqeval's default, lenient mode: an <c>I-X</c> after <c>O</c> starts
/// an entity; seqeval's strict mode is not offered). Sentences are evaluated separately: no entity crosses a sentence boundary.
/// </summary>
public static class TokenClassificationEvaluator
{
    /// <summary>
    /// Evaluates the output of a <see cref="TransformerTask.TokenClassification"/> model: <paramref name="predictedLabelColumnName"/> against
    /// the gold labels of <paramref name="labelColumnName"/>, row by row. Both columns are vectors of text or of keys (a key is read as its
    /// key value's text, or as its number without key values).
    /// </summary>
    /// <param name="scored">The scored rows (e.g. <c>model.Transform(test)</c>).</param>
    /// <param name="labelColumnName">The gold labels: one per word.</param>
    /// <param name="predictedLabelColumnName">The predicted labels. Default: <c>"PredictedLabel"</c>.</param>
    /// <param name="scheme">How tags mark entities; <see cref="TagScheme.None"/> measures token accuracy only. Default: <see cref="TagScheme.Iob2"/>.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">A column is missing or not a vector of text or keys, or a row's label counts differ (the message names the row).</exception>
    /// <exception cref="FormatException">A tag does not belong to <paramref name="scheme"/>.</exception>
    public static TokenClassificationMetrics Evaluate(IDataView scored, string labelColumnName, string predictedLabelColumnName = "PredictedLabel",
        TagScheme scheme = TagScheme.Iob2)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var gold = ReadTags(scored, labelColumnName, nameof(labelColumnName));
        var predicted = ReadTags(scored, predictedLabelColumnName, nameof(predictedLabelColumnName));
        for (int row = 0; row < gold.Count; row++)
        {
            if (gold[row].Count != predicted[row].Count)
                throw new ArgumentException($"Row {row} has {gold[row].Count} labels in '{labelColumnName}' and {predicted[row].Count} in '{predictedLabelColumnName}'; each word needs one of each.", nameof(scored));
        }
        return Evaluate(gold, predicted, scheme);
    }

    /// <summary>Evaluates predicted tags against gold tags, one array of tags per sentence.</summary>
    /// <param name="gold">The gold tags of each sentence.</param>
    /// <param name="predicted">The predicted tags of each sentence: as many sentences as <paramref name="gold"/>, each as many tags as its gold.</param>
    /// <param name="scheme">How tags mark entities; <see cref="TagScheme.None"/> (e.g. part-of-speech tags) measures token accuracy only.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">The sentence counts differ, or a sentence's tag counts differ (the message names the sentence).</exception>
    /// <exception cref="FormatException">A tag does not belong to <paramref name="scheme"/> (the message names the tag, its word and sentence).</exception>
    public static TokenClassificationMetrics Evaluate(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted,
        TagScheme scheme = TagScheme.Iob2)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (!Enum.IsDefined(scheme))
            throw new ArgumentException($"scheme is not a defined TagScheme; got {scheme}.", nameof(scheme));
        if (gold.Count != predicted.Count)
            throw new ArgumentException($"predicted has {predicted.Count} sentences; gold has {gold.Count}.", nameof(predicted));

        int tokens = 0, correctTokens = 0;
        var counts = new SortedDictionary<string, (int Gold, int Predicted, int Correct)>(StringComparer.Ordinal);
        for (int s = 0; s < gold.Count; s++)
        {
            var goldTags = gold[s] ?? throw new ArgumentException($"Gold sentence {s} is null.", nameof(gold));
            var predictedTags = predicted[s] ?? throw new ArgumentException($"Predicted sentence {s} is null.", nameof(predicted));
            if (goldTags.Count != predictedTags.Count)
                throw new ArgumentException($"Sentence {s} has {goldTags.Count} gold tags and {predictedTags.Count} predicted tags; each word needs one of each.", nameof(predicted));
            tokens += goldTags.Count;
            for (int i = 0; i < goldTags.Count; i++)
            {
                if (string.Equals(goldTags[i], predictedTags[i], StringComparison.Ordinal))
                    correctTokens++;
            }
            if (scheme == TagScheme.None)
                continue;
            var goldSpans = EntityChunker.Chunks(goldTags, scheme, $"gold sentence {s}");
            var predictedSpans = EntityChunker.Chunks(predictedTags, scheme, $"predicted sentence {s}");
            var goldSet = goldSpans.ToHashSet();
            foreach (var span in goldSpans)
                Add(span.Type, gold: 1, predicted: 0, correct: 0);
            foreach (var span in predictedSpans)
                Add(span.Type, gold: 0, predicted: 1, correct: goldSet.Contains(span) ? 1 : 0);
        }

        double accuracy = tokens == 0 ? double.NaN : (double)correctTokens / tokens;
        if (scheme == TagScheme.None)
            return new TokenClassificationMetrics(accuracy, null, new Dictionary<string, EntityMetrics>(), gold.Count, tokens);
        var byType = new SortedDictionary<string, EntityMetrics>(StringComparer.Ordinal);
        foreach (var (type, c) in counts)
            byType[type] = EntityMetrics.Of(c.Gold, c.Predicted, c.Correct);
        var micro = EntityMetrics.Of(counts.Values.Sum(c => c.Gold), counts.Values.Sum(c => c.Predicted), counts.Values.Sum(c => c.Correct));
        return new TokenClassificationMetrics(accuracy, micro, byType, gold.Count, tokens);

        void Add(string type, int gold, int predicted, int correct)
        {
            var c = counts.GetValueOrDefault(type);
            counts[type] = (c.Gold + gold, c.Predicted + predicted, c.Correct + correct);
        }
    }

    // Each row's tags: text as it is, keys as their key values' text (or their number).
    private static List<IReadOnlyList<string>> ReadTags(IDataView data, string columnName, string parameterName)
    {
        var column = data.Schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException($"The data has no column '{columnName}'.", parameterName);
        var rows = new List<IReadOnlyList<string>>();
        using var cursor = data.GetRowCursor([column]);
        switch (column.Type)
        {
            case VectorDataViewType { ItemType: TextDataViewType }:
            {
                var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
                VBuffer<ReadOnlyMemory<char>> buffer = default;
                while (cursor.MoveNext())
                {
                    getter(ref buffer);
                    rows.Add([.. buffer.DenseValues().Select(v => v.ToString())]);
                }
                return rows;
            }
            case VectorDataViewType { ItemType: KeyDataViewType }:
            {
                VBuffer<ReadOnlyMemory<char>> names = default;
                bool hasNames = column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues)?.Type is VectorDataViewType { ItemType: TextDataViewType };
                if (hasNames)
                    column.GetKeyValues(ref names);
                var values = names.DenseValues().Select(v => v.ToString()).ToArray();
                var getter = cursor.GetGetter<VBuffer<uint>>(column);
                VBuffer<uint> buffer = default;
                while (cursor.MoveNext())
                {
                    getter(ref buffer);
                    rows.Add([.. buffer.DenseValues().Select(k => k == 0 ? "" : hasNames ? values[k - 1] : k.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
                }
                return rows;
            }
            default:
                throw new ArgumentException($"Column '{columnName}' is {column.Type}; expected a vector of text or of keys (one label per word).", parameterName);
        }
    }
}
