using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Translation;

public class TranslationTrainerTests
{
    private static readonly TextTokenizer Tokenizer = TextTokenizer.CreateCharacter(["abcdefgh"]);

    private static readonly TransformerConfig Tiny = new()
    {
        VocabularySize = Tokenizer.VocabularySize,
        ModelDimension = 32,
        LayerCount = 2,
        HeadCount = 4,
        FeedForwardDimension = 64,
        MaxSequenceLength = 12,
        Dropout = 0,
        AttentionDropout = 0,
    };

    private static TrainingSettings Settings(int epochs, ScalarType? computeType = null) => new()
    {
        Epochs = epochs,
        MaxSteps = 0,
        BatchSize = 32,
        LearningRate = 5e-3,
        WarmupFraction = 0.05,
        MinimumLearningRateFraction = 0.1,
        WeightDecay = 0.01,
        AdamBeta1 = 0.9,
        AdamBeta2 = 0.98,
        GradientClipNorm = 1.0,
        LogEverySteps = 0,
        Seed = 1,
        ComputeType = computeType,
    };

    /// <summary>Random strings of 2 to 5 letters from a..h and their reversal.</summary>
    private static List<(string? Source, string? Target)> ReversalPairs(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var letters = Enumerable.Range(0, random.Next(2, 6)).Select(_ => (char)('a' + random.Next(8))).ToArray();
            return ((string?)new string(letters), (string?)new string(letters.Reverse().ToArray()));
        }).ToList();
    }

    // Tiny products gain nothing from libtorch's thread pool, whose OpenMP barriers spin when the cores are shared.
    private static TrainingResult OnOneThread(Func<TrainingResult> train)
    {
        int original = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            return train();
        }
        finally
        {
            torch.set_num_threads(original);
        }
    }

    [Fact]
    public void Encoding_skips_rows_without_a_source_or_target_and_counts_cut_ones()
    {
        torch.manual_seed(40);
        using var model = new EncoderDecoderModel(Tiny with { MaxSequenceLength = 4 });
        (string?, string?)[] rows = [("abc", "cba"), ("", "a"), ("ab", null), ("abcdefgh", "ab"), ("ab", "abcdefgh")];

        var examples = TranslationTrainer.Encode(model, Tokenizer, Tokenizer, rows);

        Assert.Equal(3, examples.Pairs.Count);
        Assert.Equal((2, 1, 1), (examples.SkippedRows, examples.TruncatedSources, examples.TruncatedTargets));
        var special = Tokenizer.Special;
        Assert.Equal([.. Tokenizer.Encode("abc"), special.Eos], examples.Pairs[0].Source);
        Assert.Equal([special.Bos, .. Tokenizer.Encode("cba"), special.Eos], examples.Pairs[0].Target);
        Assert.Equal(4, examples.Pairs[1].Source.Length);      // 3 content ids + Eos
        Assert.Equal(5, examples.Pairs[2].Target.Length);      // Bos + 3 content ids + Eos: the decoder reads 4
    }

    [Fact]
    public void Batches_shift_the_target_into_inputs_and_labels_and_mask_padding()
    {
        var special = Tokenizer.Special;
        TranslationPair[] pairs = [new([5, special.Eos], [special.Bos, 1, 2, special.Eos]), new([6, 7, 3, special.Eos], [special.Bos, 4, special.Eos])];

        var (sources, mask, inputs, labels) = TranslationTrainer.Batch(pairs, [0, 1], special.Pad, special.Pad);

        Assert.Equal(new long[] { 5, special.Eos, special.Pad, special.Pad, 6, 7, 3, special.Eos }, sources.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 0, 0, 1, 1, 1, 1 }, mask.data<long>().ToArray());
        Assert.Equal(new long[] { special.Bos, 1, 2, special.Bos, 4, special.Pad }, inputs.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 2, special.Eos, 4, special.Eos, TranslationTrainer.IgnoreIndex }, labels.data<long>().ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_tiny_model_learns_to_reverse_short_sequences(bool bfloat16)
    {
        torch.manual_seed(41);
        using var model = new EncoderDecoderModel(Tiny);
        var train = TranslationTrainer.Encode(model, Tokenizer, Tokenizer, ReversalPairs(512, seed: 1)).Pairs;
        var held = TranslationTrainer.Encode(model, Tokenizer, Tokenizer, ReversalPairs(64, seed: 2)).Pairs;
        var special = Tokenizer.Special;
        model.eval();
        var before = TranslationTrainer.Evaluate(model, held, special, special, 64, CPU);

        // 160 steps (bf16: matrix products in bfloat16 on float32 weights): reversing needs the cross-attention to find the source letter that comes next, from the end.
        var result = OnOneThread(() => TranslationTrainer.Train(model, train, held, special, special, Settings(epochs: 10, bfloat16 ? ScalarType.BFloat16 : null), labelSmoothing: 0.1, log: _ => { }));

        var after = result.EpochValidations[^1];
        Assert.True(after.Loss < 0.4 * before.Loss, $"held-out loss {before.Loss:F3} -> {after.Loss:F3}");
        if (!bfloat16)
            AssertCachedAndUncachedGenerationAgree(model);
    }

    // A trained model ends its rows at different steps (their lengths differ), so finished rows leave the batch: the cache and the
    // memory keep only the remaining rows, and the uncached reference must follow them exactly.
    private static void AssertCachedAndUncachedGenerationAgree(EncoderDecoderModel model)
    {
        var generator = new SequenceToSequenceGenerator(model, Tokenizer, Tokenizer);
        string[] sources = ["ab", "hgf", "abcd", "cdeh", "ba", "gfedc"];
        var cached = generator.Generate(sources, new GenerationOptions { Temperature = 0, MaxNewTokens = 10 });
        var uncached = generator.Generate(sources, new GenerationOptions { Temperature = 0, MaxNewTokens = 10, UseKeyValueCache = false });
        var beams = generator.Generate(sources, new GenerationOptions { MaxNewTokens = 10 }, new BeamSearchOptions { BeamSize = 3 });
        var beamsUncached = generator.Generate(sources, new GenerationOptions { MaxNewTokens = 10, UseKeyValueCache = false }, new BeamSearchOptions { BeamSize = 3 });

        Assert.Equal(cached, uncached);
        Assert.Equal(beams, beamsUncached);
        Assert.True(cached.Select(t => t.Length).Distinct().Count() > 1, $"outputs: {string.Join(", ", cached)}");
    }
}
