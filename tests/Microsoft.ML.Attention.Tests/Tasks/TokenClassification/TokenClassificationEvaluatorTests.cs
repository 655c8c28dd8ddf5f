namespace Microsoft.ML.Attention.Tests.TokenClassification;

public class TokenClassificationEvaluatorTests
{
    private static TokenClassificationMetrics Evaluate(string[][] gold, string[][] predicted, TagScheme scheme = TagScheme.Iob2) =>
        TokenClassificationEvaluator.Evaluate(gold, predicted, scheme);

    [Fact]
    public void Seqeval_readme_example_scores_half_of_the_entities_right()
    {
        // seqeval's README: MISC is predicted one word too early (wrong span), PER is right. F1 0.50.
        string[][] gold = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
        string[][] predicted = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];

        var metrics = Evaluate(gold, predicted);

        Assert.Equal(new EntityMetrics(0.5, 0.5, 0.5, GoldCount: 2, PredictedCount: 2, CorrectCount: 1), metrics.Entities);
        Assert.Equal(new EntityMetrics(0, 0, 0, 1, 1, 0), metrics.EntitiesByType["MISC"]);
        Assert.Equal(new EntityMetrics(1, 1, 1, 1, 1, 1), metrics.EntitiesByType["PER"]);
        Assert.Equal(["MISC", "PER"], metrics.EntitiesByType.Keys);
        Assert.Equal(8.0 / 10, metrics.TokenAccuracy, 12);   // every tag counts, O included: 8 of the 10 agree
        Assert.Equal((2, 10), (metrics.SentenceCount, metrics.TokenCount));
    }

    [Fact]
    public void An_i_tag_after_o_or_after_another_type_starts_an_entity_as_conlleval_reads_it()
    {
        // conlleval (and seqeval's default mode): "O I-PER I-PER" is one PER entity of two words; "B-PER I-LOC" is PER then LOC.
        string[][] gold = [["O", "B-PER", "I-PER", "B-PER", "I-LOC"]];
        string[][] predicted = [["O", "I-PER", "I-PER", "B-PER", "I-LOC"]];

        var metrics = Evaluate(gold, predicted);

        Assert.Equal(new EntityMetrics(1, 1, 1, 3, 3, 3), metrics.Entities);
        Assert.Equal(0.8, metrics.TokenAccuracy, 12);
    }

    [Fact]
    public void Iob1_runs_of_i_tags_are_entities_and_b_separates_two_of_one_type()
    {
        // IOB1 (CoNLL-2003's original files): "I-PER I-PER B-PER O I-LOC" = PER(0-1), PER(2), LOC(4).
        string[][] gold = [["I-PER", "I-PER", "B-PER", "O", "I-LOC"]];
        string[][] merged = [["I-PER", "I-PER", "I-PER", "O", "I-LOC"]];

        var exact = Evaluate(gold, gold, TagScheme.Iob1);
        var wrong = Evaluate(gold, merged, TagScheme.Iob1);

        Assert.Equal(new EntityMetrics(1, 1, 1, 3, 3, 3), exact.Entities);
        Assert.Equal(new EntityMetrics(0.5, 1.0 / 3, 2 * 0.5 * (1.0 / 3) / (0.5 + (1.0 / 3)), 3, 2, 1), wrong.Entities);   // PER(0-2) is wrong, LOC(4) right
        Assert.Equal(new EntityMetrics(0, 0, 0, 2, 1, 0), wrong.EntitiesByType["PER"]);
    }

    [Fact]
    public void Bioes_single_and_end_tags_close_their_entities()
    {
        // S-PER | B-LOC I-LOC E-LOC | O | S-ORG, and "E-PER E-PER" = two single-word PER (an E after an E starts again).
        string[][] gold = [["S-PER", "B-LOC", "I-LOC", "E-LOC", "O", "S-ORG"], ["B-PER", "E-PER", "S-PER"]];
        string[][] predicted = [["S-PER", "B-LOC", "E-LOC", "E-LOC", "O", "S-ORG"], ["B-PER", "E-PER", "E-PER"]];

        var metrics = Evaluate(gold, predicted, TagScheme.Bioes);

        // Predicted: PER(0), LOC(1-2), LOC(3), ORG(5) | PER(0-1), PER(2): PER(0), ORG(5), PER(0-1), PER(2) are right.
        Assert.Equal(new EntityMetrics(4.0 / 6, 4.0 / 5, 2 * (4.0 / 6) * (4.0 / 5) / ((4.0 / 6) + (4.0 / 5)), 5, 6, 4), metrics.Entities);
        Assert.Equal(new EntityMetrics(0, 0, 0, 1, 2, 0), metrics.EntitiesByType["LOC"]);
    }

    [Fact]
    public void Nothing_predicted_gives_zero_precision_recall_and_f1_as_conlleval_does()
    {
        var metrics = Evaluate([["B-NAME", "I-NAME", "O"]], [["O", "O", "O"]]);

        Assert.Equal(new EntityMetrics(0, 0, 0, 1, 0, 0), metrics.Entities);
        Assert.Equal(1.0 / 3, metrics.TokenAccuracy, 12);
    }

    [Fact]
    public void Entities_never_cross_sentences()
    {
        // "I-X" at the start of a sentence starts a new entity even when the previous sentence ended inside one.
        var metrics = Evaluate([["B-X", "I-X"], ["I-X"]], [["B-X", "I-X"], ["I-X"]]);

        Assert.Equal(2, metrics.Entities!.GoldCount);
    }

    [Fact]
    public void Plain_labels_measure_token_accuracy_only_and_may_hold_hyphens()
    {
        // Brown tags: "np-tl" is a proper noun in a title, not an IOB tag.
        var metrics = Evaluate([["at", "np-tl", "nn-tl"]], [["at", "np-tl", "nn"]], TagScheme.None);

        Assert.Equal(2.0 / 3, metrics.TokenAccuracy, 12);
        Assert.Null(metrics.Entities);
        Assert.Empty(metrics.EntitiesByType);
    }

    [Fact]
    public void Mismatched_lengths_and_foreign_tags_name_the_sentence_and_the_tag()
    {
        var length = Assert.Throws<ArgumentException>(() => Evaluate([["O"], ["O", "O"]], [["O"], ["O"]]));
        var count = Assert.Throws<ArgumentException>(() => Evaluate([["O"]], [["O"], ["O"]]));
        var tag = Assert.Throws<FormatException>(() => Evaluate([["O", "O"]], [["O", "np-tl"]]));
        var bioes = Assert.Throws<FormatException>(() => Evaluate([["S-PER"]], [["O"]], TagScheme.Iob2));

        Assert.Contains("Sentence 1 has 2 gold tags and 1 predicted", length.Message, StringComparison.Ordinal);
        Assert.Contains("predicted has 2 sentences; gold has 1", count.Message, StringComparison.Ordinal);
        Assert.Contains("'np-tl' of word 1 in predicted sentence 0", tag.Message, StringComparison.Ordinal);
        Assert.Contains("'S-PER' of word 0 in gold sentence 0 is not an Iob2 tag", bioes.Message, StringComparison.Ordinal);
    }
}
