namespace Microsoft.ML.Attention;

/// <summary>Corpus-level translation quality, as sacreBLEU reports it (see <see cref="TranslationEvaluator"/>).</summary>
/// <param name="Bleu">Corpus BLEU in [0, 100] (13a tokenization, 4-grams, brevity penalty, 'exp' smoothing, mixed case).</param>
/// <param name="ChrF">Corpus chrF2 in [0, 100] (character 6-grams without whitespace, beta 2, no word n-grams).</param>
/// <param name="Precisions">BLEU's four n-gram precisions in percent (a zero count replaced by its 'exp' smoothed value).</param>
/// <param name="BrevityPenalty">exp(1 - r / c) when the hypotheses are shorter than the references (c &lt; r), else 1.</param>
/// <param name="HypothesisLength">c: tokens in all hypotheses.</param>
/// <param name="ReferenceLength">r: for each sentence the reference length closest to its hypothesis's (the shorter on ties), summed.</param>
/// <param name="SentenceCount">Number of hypotheses scored.</param>
public sealed record TranslationMetrics(
    double Bleu, double ChrF, IReadOnlyList<double> Precisions, double BrevityPenalty, long HypothesisLength, long ReferenceLength, int SentenceCount);
