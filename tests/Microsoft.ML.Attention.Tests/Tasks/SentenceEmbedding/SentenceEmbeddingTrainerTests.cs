using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;

/// <summary>SentenceEmbeddingTrainer: it learns to match translations, and it names bad input.</summary>
public sealed class SentenceEmbeddingTrainerTests
{
    private static readonly SentencePairColumns Columns = new("Anchor", "Positive");

    [Fact]
    public void Training_on_King_James_to_Reina_Valera_pairs_raises_recall_at_1()
    {
        var verses = SentenceEmbeddingData.Verses(24);
        var pairs = verses.Select(v => new SentencePair(v.Kjv, v.Rv1909)).ToList();
        var tokenizer = TextTokenizer.CreateCharacter(verses.SelectMany(v => new[] { v.Kjv, v.Rv1909 }));
        random.manual_seed(1);
        using var model = new SentenceEncoder(SentenceEmbeddingData.Tiny(tokenizer));
        var result = SentenceEmbeddingTrainer.Train(model, tokenizer, pairs, validation: pairs, Columns, SentenceEmbeddingData.Settings(batchSize: 12, maxSteps: 30),
            SentenceEmbeddingData.Loss(), earlyStoppingPatience: 0, CPU, _ => { });

        double before = result.InitialValidation!.Value.Score;
        double after = result.EpochValidations[^1].Score;
        Assert.True(after >= before + 0.5, $"recall@1 {before:P1} before training, {after:P1} after ({result.EpochValidations[^1].Summary})");
    }

    [Fact]
    public void An_empty_positive_names_the_column_and_row()
    {
        var tokenizer = TextTokenizer.CreateCharacter(["ab"]);
        using var model = new SentenceEncoder(SentenceEmbeddingData.Tiny(tokenizer));
        var error = Assert.Throws<ArgumentException>(() => SentenceEmbeddingTrainer.Train(model, tokenizer, [new("a", "b"), new("a", " ")], null,
            Columns, SentenceEmbeddingData.Settings(2, 1), SentenceEmbeddingData.Loss(), 0, CPU, _ => { }));
        Assert.Contains("'Positive' is empty in training row 1", error.Message);
    }

    [Fact]
    public void A_batch_of_one_without_hard_negatives_is_an_error()
    {
        var tokenizer = TextTokenizer.CreateCharacter(["ab"]);
        using var model = new SentenceEncoder(SentenceEmbeddingData.Tiny(tokenizer));
        var error = Assert.Throws<ArgumentException>(() => SentenceEmbeddingTrainer.Train(model, tokenizer, [new("a", "b")], null,
            Columns, SentenceEmbeddingData.Settings(1, 1), SentenceEmbeddingData.Loss(), 0, CPU, _ => { }));
        Assert.Contains("BatchSize must be at least 2", error.Message);
    }

    [Fact]
    public void The_cached_loss_with_gradient_accumulation_is_an_error()
    {
        var tokenizer = TextTokenizer.CreateCharacter(["ab"]);
        using var model = new SentenceEncoder(SentenceEmbeddingData.Tiny(tokenizer));
        var settings = SentenceEmbeddingData.Settings(2, 1) with { GradientAccumulationSteps = 2 };
        var error = Assert.Throws<ArgumentException>(() => SentenceEmbeddingTrainer.Train(model, tokenizer, [new("a", "b"), new("b", "a")], null,
            Columns, settings, SentenceEmbeddingData.Loss(miniBatchSize: 1), 0, CPU, _ => { }));
        Assert.Contains("GradientAccumulationSteps must be 1", error.Message);
    }
}
