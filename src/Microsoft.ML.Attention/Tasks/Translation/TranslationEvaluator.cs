using System.Text;
using Microsoft.ML.Attention.Tasks;

namespace Microsoft.ML.Attention;

/// <summary>
/// Corpus BLEU and chrF with sacreBLEU's defaults, so that figures compare with published ones: BLEU
/// <c>nrefs:N|case:mixed|eff:no|tok:13a|smooth:exp</c> and chrF2 <c>nc:6|nw:0|space:no</c>.
/// </summary>
/// <remarks>
/// <para>
/// BLEU (Papineni et al. 2002, as sacreBLEU's <c>corpus_bleu</c>): every text is tokenized by 13a (<see cref="Tokenize13a"/>); for
/// n = 1..4 the hypothesis n-grams matched are counted, each n-gram clipped to its largest count in any one reference of that sentence,
/// and summed over the corpus with the totals of hypothesis n-grams; p_n = 100 matched / total. 'exp' smoothing: the k-th order whose
/// match count is zero gets p_n = 100 / (2^k total) instead (this touches corpus BLEU only when some order has no match in the whole
/// corpus); an order with no hypothesis n-gram at all, or no unigram match, makes BLEU 0. The brevity penalty is exp(1 - r / c) when
/// c &lt; r, with c the hypothesis tokens and r, per sentence, the reference length closest to the hypothesis's (the shorter on ties).
/// BLEU = BP exp(mean ln p_n).
/// </para>
/// <para>
/// chrF (Popović 2015, as sacreBLEU's <c>CHRF</c>): whitespace removed, character n-grams for n = 1..6; per sentence the reference whose
/// own chrF is highest gives the statistics (hypothesis, reference and matched n-gram counts per order), which are summed over the corpus.
/// Precision and recall are averaged over the orders where both counts are positive, and chrF = 100 (1 + β²) P R / (β² P + R), β = 2.
/// </para>
/// Case is kept throughout. A hypothesis may be null or empty (scored as empty); each needs at least one non-empty reference.
/// </remarks>
public static class TranslationEvaluator
{
    private const int MaxOrder = 4;
    private const int CharacterOrder = 6;
    private const double Beta = 2;

    /// <summary>Corpus BLEU and chrF against one reference per hypothesis.</summary>
    /// <param name="hypotheses">The system outputs, one per sentence.</param>
    /// <param name="references">The reference translations, one per hypothesis.</param>
    /// <exception cref="ArgumentException">The lists differ in length, or a reference is null or empty.</exception>
    public static TranslationMetrics Evaluate(IReadOnlyList<string?> hypotheses, IReadOnlyList<string?> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        return Evaluate(hypotheses, references.Select(r => (IReadOnlyList<string?>)[r]).ToList());
    }

    /// <summary>Corpus BLEU and chrF against one or more references per hypothesis.</summary>
    /// <param name="hypotheses">The system outputs, one per sentence.</param>
    /// <param name="references">
    /// For each hypothesis, its references (any number; null or empty ones are left out, as sacreBLEU does, but one must remain).
    /// </param>
    /// <exception cref="ArgumentException">The lists differ in length, or a hypothesis has no non-empty reference.</exception>
    public static TranslationMetrics Evaluate(IReadOnlyList<string?> hypotheses, IReadOnlyList<IReadOnlyList<string?>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException($"references has {references.Count} rows; hypotheses has {hypotheses.Count}: one set of references per hypothesis.", nameof(references));
        }

        var matched = new long[MaxOrder];
        var totals = new long[MaxOrder];
        var characterStatistics = new long[3 * CharacterOrder];
        long hypothesisLength = 0, referenceLength = 0;
        for (int row = 0; row < hypotheses.Count; row++)
        {
            var rowReferences = (references[row] ?? []).Where(r => !string.IsNullOrEmpty(r)).Select(r => r!).ToList();
            if (rowReferences.Count == 0)
            {
                throw new ArgumentException($"references[{row}] holds no non-empty reference; each hypothesis needs at least one.", nameof(references));
            }

            var hypothesis = hypotheses[row] ?? string.Empty;
            var (length, closest) = AddBleuStatistics(hypothesis, rowReferences, matched, totals);
            hypothesisLength += length;
            referenceLength += closest;
            var best = rowReferences.Select(r => ChrFStatistics(hypothesis, r)).MaxBy(ChrFScore)!; // the first of equal scores
            for (int i = 0; i < best.Length; i++)
            {
                characterStatistics[i] += best[i];
            }
        }

        var (bleu, precisions, brevityPenalty) = Bleu(matched, totals, hypothesisLength, referenceLength);
        return new TranslationMetrics(bleu, ChrFScore(characterStatistics), precisions, brevityPenalty, hypothesisLength, referenceLength, hypotheses.Count);
    }

    /// <summary>The 13a tokens BLEU counts for <paramref name="text"/> (sacreBLEU's default tokenizer).</summary>
    /// <param name="text">A hypothesis or reference; null is empty.</param>
    public static IReadOnlyList<string> Tokenize13a(string? text) => Tokenizer13a.Tokenize(text);

    // Adds one sentence's matched and total n-gram counts; returns its hypothesis length and closest reference length.
    private static (int Length, int Closest) AddBleuStatistics(string hypothesis, List<string> references, long[] matched, long[] totals)
    {
        var tokens = Tokenizer13a.Tokenize(hypothesis);
        var referenceTokens = references.Select(Tokenizer13a.Tokenize).ToList();
        int closest = -1;
        foreach (var reference in referenceTokens)
        {
            int difference = Math.Abs(tokens.Length - reference.Length);
            int best = Math.Abs(tokens.Length - closest);
            if (closest < 0 || difference < best || (difference == best && reference.Length < closest))
            {
                closest = reference.Length;
            }
        }

        for (int n = 1; n <= MaxOrder; n++)
        {
            var maxReferenceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var reference in referenceTokens)
            {
                foreach (var (ngram, count) in Ngrams(reference, n))
                {
                    maxReferenceCounts[ngram] = Math.Max(count, maxReferenceCounts.GetValueOrDefault(ngram));
                }
            }

            foreach (var (ngram, count) in Ngrams(tokens, n))
            {
                matched[n - 1] += Math.Min(count, maxReferenceCounts.GetValueOrDefault(ngram));
            }

            totals[n - 1] += Math.Max(tokens.Length - n + 1, 0);
        }

        return (tokens.Length, closest);
    }

    private static Dictionary<string, int> Ngrams(string[] tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int start = 0; start + n <= tokens.Length; start++)
        {
            var ngram = string.Join(' ', tokens, start, n);
            counts[ngram] = counts.GetValueOrDefault(ngram) + 1;
        }

        return counts;
    }

    // sacreBLEU's compute_bleu with smooth_method 'exp' and no effective order.
    private static (double Bleu, double[] Precisions, double BrevityPenalty) Bleu(long[] matched, long[] totals, long hypothesisLength, long referenceLength)
    {
        var precisions = new double[MaxOrder];
        double brevityPenalty = 1.0;
        if (hypothesisLength < referenceLength)
        {
            brevityPenalty = hypothesisLength > 0 ? Math.Exp(1 - (double)referenceLength / hypothesisLength) : 0.0;
        }

        if (matched[0] == 0)
        {
            return (0.0, precisions, brevityPenalty);
        }

        double smooth = 1.0;
        for (int n = 0; n < MaxOrder; n++)
        {
            if (totals[n] == 0)
            {
                break;
            }

            if (matched[n] == 0)
            {
                smooth *= 2;
                precisions[n] = 100.0 / (smooth * totals[n]);
            }
            else
            {
                precisions[n] = 100.0 * matched[n] / totals[n];
            }
        }

        if (precisions.Any(p => p == 0))
        {
            return (0.0, precisions, brevityPenalty); // sacreBLEU's log of 0 is -9999999999: the score rounds to 0
        }

        return (brevityPenalty * Math.Exp(precisions.Sum(Math.Log) / MaxOrder), precisions, brevityPenalty);
    }

    // [hypothesis n-grams, reference n-grams, matched n-grams] for n = 1..6 over the texts without whitespace.
    private static long[] ChrFStatistics(string hypothesis, string reference)
    {
        var hypothesisText = Characters(hypothesis);
        var referenceText = Characters(reference);
        var statistics = new long[3 * CharacterOrder];
        for (int n = 1; n <= CharacterOrder; n++)
        {
            var hypothesisCounts = CharacterNgrams(hypothesisText, n);
            var referenceCounts = CharacterNgrams(referenceText, n);
            long hypothesisCount = 0, matchedCount = 0;
            foreach (var (ngram, count) in hypothesisCounts)
            {
                hypothesisCount += count;
                matchedCount += Math.Min(count, referenceCounts.GetValueOrDefault(ngram));
            }

            statistics[3 * (n - 1)] = referenceCounts.Count > 0 ? hypothesisCount : 0; // no hypothesis count where the reference has no n-gram
            statistics[3 * (n - 1) + 1] = referenceCounts.Values.Sum();
            statistics[3 * (n - 1) + 2] = matchedCount;
        }

        return statistics;
    }

    // The text's Unicode scalar values (Python's characters: a surrogate pair is one), whitespace left out.
    private static string[] Characters(string text) =>
        text.EnumerateRunes().Where(r => !Rune.IsWhiteSpace(r)).Select(r => r.ToString()).ToArray();

    private static Dictionary<string, int> CharacterNgrams(string[] characters, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int start = 0; start + n <= characters.Length; start++)
        {
            var ngram = string.Concat(characters.AsSpan(start, n));
            counts[ngram] = counts.GetValueOrDefault(ngram) + 1;
        }

        return counts;
    }

    // sacreBLEU's _compute_f_score without eps smoothing: precision and recall averaged over the effective orders, then F-beta.
    private static double ChrFScore(long[] statistics)
    {
        double precision = 0, recall = 0;
        int effectiveOrder = 0;
        for (int n = 0; n < CharacterOrder; n++)
        {
            var (hypothesisCount, referenceCount, matchedCount) = (statistics[3 * n], statistics[3 * n + 1], statistics[3 * n + 2]);
            if (hypothesisCount > 0 && referenceCount > 0)
            {
                precision += (double)matchedCount / hypothesisCount;
                recall += (double)matchedCount / referenceCount;
                effectiveOrder++;
            }
        }

        if (effectiveOrder == 0)
        {
            return 0.0;
        }

        (precision, recall) = (precision / effectiveOrder, recall / effectiveOrder);
        double factor = Beta * Beta;
        return precision + recall == 0 ? 0.0 : 100 * (1 + factor) * precision * recall / (factor * precision + recall);
    }
}
