namespace Microsoft.ML.Attention.Tests.Translation;

/// <summary>BLEU and chrF against values worked out by hand from sacreBLEU's definitions (see TranslationEvaluator's remarks).</summary>
public class TranslationEvaluatorTests
{
    [Fact]
    public void A_perfect_match_scores_100()
    {
        var metrics = TranslationEvaluator.Evaluate(["The cat sat on the mat."], ["The cat sat on the mat."]);

        Assert.Equal(100.0, metrics.Bleu, 9);
        Assert.Equal(100.0, metrics.ChrF, 9);
        Assert.Equal(1.0, metrics.BrevityPenalty);
    }

    [Fact]
    public void No_overlap_scores_0()
    {
        var metrics = TranslationEvaluator.Evaluate(["a b c d"], ["e f g h"]);

        Assert.Equal(0.0, metrics.Bleu);
        Assert.Equal(0.0, metrics.ChrF);
    }

    [Fact]
    public void A_short_hypothesis_pays_the_brevity_penalty()
    {
        // Every n-gram of the 5-token hypothesis is in the 6-token reference: p1..p4 = 100, BP = exp(1 - 6/5).
        var metrics = TranslationEvaluator.Evaluate(["the cat sat on the"], ["the cat sat on the mat"]);

        Assert.Equal(Math.Exp(1 - 6.0 / 5.0), metrics.BrevityPenalty, 12);
        Assert.Equal(100 * Math.Exp(-0.2), metrics.Bleu, 9);   // 81.873
        Assert.Equal((5L, 6L), (metrics.HypothesisLength, metrics.ReferenceLength));
    }

    [Fact]
    public void Several_references_clip_each_ngram_to_its_largest_count_in_one_reference()
    {
        // hypothesis: the cat is on the mat (6 tokens); references: "the cat sat on the mat" (6), "there is a cat on the mat" (7).
        // closest reference length 6: BP = 1.
        // unigrams 6/6 ("the" twice, in the first reference); bigrams 3/5 (the cat, on the, the mat); trigrams 1/4 (on the mat);
        // 4-grams 0/3, the first order without a match: 'exp' smoothing gives 100 / (2 * 3).
        var metrics = TranslationEvaluator.Evaluate(
            ["the cat is on the mat"],
            [(IReadOnlyList<string?>)["the cat sat on the mat", "there is a cat on the mat"]]);

        double expected = Math.Pow(100.0 * 60.0 * 25.0 * (100.0 / 6.0), 0.25);   // 39.764
        Assert.Equal(expected, metrics.Bleu, 9);
        Assert.Equal(new[] { 100.0, 60.0, 25.0, 100.0 / 6.0 }.Select(p => Math.Round(p, 9)), metrics.Precisions.Select(p => Math.Round(p, 9)));
        Assert.Equal(6, metrics.ReferenceLength);
    }

    [Fact]
    public void ChrF_averages_precision_and_recall_over_orders_present_in_both()
    {
        // "ab" against "abc": n=1 P 2/2 R 2/3; n=2 P 1/1 R 1/2; n=3..6 the hypothesis has no n-gram, so they do not count.
        // P = 1, R = 7/12, chrF2 = 100 * 5 P R / (4 P + R) = 100 * 7/11.
        var single = TranslationEvaluator.Evaluate(["a b"], ["abc"]);
        var best = TranslationEvaluator.Evaluate(["ab"], [(IReadOnlyList<string?>)["xyz", "abc"]]);

        Assert.Equal(700.0 / 11.0, single.ChrF, 9);
        Assert.Equal(700.0 / 11.0, best.ChrF, 9); // the better of the two references gives the statistics
    }

    [Fact]
    public void Corpus_scores_sum_statistics_over_sentences_before_dividing()
    {
        // Two sentences: one perfect 4-token match, one with no match at all. Corpus counts: p1 = 4/8, p2 = 3/6, p3 = 2/4, p4 = 1/2.
        var metrics = TranslationEvaluator.Evaluate(["w x y z", "a b c d"], ["w x y z", "e f g h"]);

        Assert.Equal(50.0, metrics.Bleu, 9);
        Assert.Equal(2, metrics.SentenceCount);
    }

    [Fact]
    public void Tokenization_13a_splits_punctuation_but_not_numbers()
    {
        Assert.Equal(["Hello", ",", "world", "!", "3.14", "and", "1,000", "\"", "x", "\""], TranslationEvaluator.Tokenize13a("Hello, world! 3.14 and 1,000 &quot;x&quot;"));
        Assert.Equal(["Dios", "crió", "los", "cielos", "."], TranslationEvaluator.Tokenize13a("Dios crió los cielos."));
        Assert.Equal(["it's", "5", "-", "6", "well-known"], TranslationEvaluator.Tokenize13a("it's 5-6 well-known")); // apostrophes and word dashes stay
    }

    [Fact]
    public void Bad_input_is_rejected_by_parameter_name()
    {
        Assert.Equal("references", Assert.Throws<ArgumentException>(() => TranslationEvaluator.Evaluate(["a"], ["a", "b"])).ParamName);
        Assert.Equal("references", Assert.Throws<ArgumentException>(() => TranslationEvaluator.Evaluate(["a"], [""])).ParamName);
        Assert.Equal(0.0, TranslationEvaluator.Evaluate([null], ["a b"]).Bleu); // an empty hypothesis scores 0
    }
}
