namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// What the errors of a fine-tune are made of, printed by <see cref="FineTune"/>: the most frequent tag confusions, and the NAME spans
/// missed or predicted wrongly by whether the entity's first word is capitalized: what capitalization, which an uncased tokenizer loses,
/// has to do with them.
/// </summary>
public static class ErrorReport
{
    /// <summary>The 12 most frequent (gold → predicted) tag pairs among the wrong words, and the share of errors on proper-noun tags (np*).</summary>
    public static string TagConfusions(string part, IReadOnlyList<string[]> gold, IReadOnlyList<string[]> predicted)
    {
        var pairs = new Dictionary<(string Gold, string Predicted), int>();
        int errors = 0, words = 0, properNounErrors = 0;
        for (int s = 0; s < gold.Count; s++)
        {
            for (int w = 0; w < gold[s].Length; w++)
            {
                words++;
                if (gold[s][w] == predicted[s][w])
                    continue;
                errors++;
                if (gold[s][w].StartsWith("np", StringComparison.Ordinal) || predicted[s][w].StartsWith("np", StringComparison.Ordinal))
                    properNounErrors++;
                var key = (gold[s][w], predicted[s][w]);
                pairs[key] = pairs.GetValueOrDefault(key) + 1;
            }
        }
        var top = pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Gold, StringComparer.Ordinal).Take(12)
            .Select(p => $"{p.Key.Gold} → {p.Key.Predicted} {p.Value}");
        return $"  {part} tags: {errors} errors in {words} words; {properNounErrors} ({(double)properNounErrors / Math.Max(1, errors):P1}) have np* as the gold " +
            $"or the predicted tag; top confusions (gold → predicted): {string.Join(", ", top)}";
    }

    /// <summary>
    /// Gold NAME spans not predicted exactly (missed) and predicted spans not in the gold (spurious), each counted by the entity's first
    /// word: sentence-initial, capitalized elsewhere, or not capitalized.
    /// </summary>
    public static string NameErrors(string part, IReadOnlyList<BrownRow> rows, IReadOnlyList<string[]> gold, IReadOnlyList<string[]> predicted)
    {
        var missed = new int[3];
        var spurious = new int[3];
        for (int s = 0; s < rows.Count; s++)
        {
            var goldSpans = Spans(gold[s]);
            var predictedSpans = Spans(predicted[s]);
            foreach (var span in goldSpans.Except(predictedSpans))
                missed[Kind(rows[s].Words, span.First)]++;
            foreach (var span in predictedSpans.Except(goldSpans))
                spurious[Kind(rows[s].Words, span.First)]++;
        }
        return $"  {part} NAME errors by first word (sentence-initial / capitalized elsewhere / not capitalized): missed {string.Join(" / ", missed)}, " +
            $"spurious {string.Join(" / ", spurious)}";
    }

    // 0 = the sentence's first word, 1 = a capitalized word elsewhere, 2 = a word that does not start with a capital letter.
    private static int Kind(string[] words, int first) => first == 0 ? 0 : words[first].Length > 0 && char.IsUpper(words[first][0]) ? 1 : 2;

    // IOB2 spans as conlleval reads them: a span starts at B-NAME, or at I-NAME after O; I-NAME continues it.
    private static HashSet<(int First, int Last)> Spans(string[] tags)
    {
        var spans = new HashSet<(int, int)>();
        int start = -1;
        for (int w = 0; w <= tags.Length; w++)
        {
            string tag = w < tags.Length ? tags[w] : "O";
            bool inside = tag.StartsWith("I-", StringComparison.Ordinal) && start >= 0;
            if (start >= 0 && !inside)
            {
                spans.Add((start, w - 1));
                start = -1;
            }
            if (tag.StartsWith("B-", StringComparison.Ordinal) || (tag.StartsWith("I-", StringComparison.Ordinal) && start < 0))
                start = w;
        }
        return spans;
    }
}
