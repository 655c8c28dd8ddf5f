using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Training;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

public class TokenClassificationTrainerTests
{
    [Fact]
    public void A_tiny_model_learns_the_part_of_speech_tags_of_fifty_Brown_sentences()
    {
        var sentences = BrownSample.All.Take(50).ToList();
        string[] tags = sentences.SelectMany(s => s.Fields[1]).Distinct().Order(StringComparer.Ordinal).ToArray();
        var examples = sentences.Select(s => new TokenClassificationExample(s.Fields[0], s.Fields[1].Select(t => Array.IndexOf(tags, t)).ToArray())).ToList();
        double majority = examples.SelectMany(e => e.Labels).GroupBy(l => l).Max(g => g.Count()) / (double)examples.Sum(e => e.Labels.Length);
        var tokenizer = BrownSample.Tokenizer;
        torch.manual_seed(73);
        var config = new TransformerConfig
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 32, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 64,
            Dropout = 0, AttentionDropout = 0,
        };
        using var model = new TokenClassifier(config, tags.Length);
        var aligner = new TokenClassificationAligner(tokenizer, maxLength: 64, stride: 32);
        var settings = new TrainingSettings
        {
            Epochs = 6, MaxSteps = 0, BatchSize = 8, LearningRate = 1e-2, WarmupFraction = 0.1, MinimumLearningRateFraction = 0.1,
            WeightDecay = 0, AdamBeta1 = 0.9, AdamBeta2 = 0.999, GradientClipNorm = 1, LogEverySteps = 0, Seed = 1,
        };

        var result = TokenClassificationTrainer.Train(model, aligner, examples, validation: examples, TokenAggregation.First, settings,
            earlyStoppingPatience: 0, torch.CPU, log: _ => { });

        var before = result.InitialValidation!.Value;
        var after = result.EpochValidations[^1];
        Assert.True(after.Loss < before.Loss / 3, $"loss {before.Loss:F3} -> {after.Loss:F3}");
        Assert.True(after.Score > majority + 0.4, $"word accuracy {after.Score:P1}; the majority tag is {majority:P1} of the words");
    }

    [Fact]
    public void A_label_count_that_differs_from_the_word_count_names_the_sentence()
    {
        var tokenizer = BrownSample.Tokenizer;
        var config = new TransformerConfig { VocabularySize = tokenizer.VocabularySize, ModelDimension = 8, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 16 };
        using var model = new TokenClassifier(config, 3);
        var settings = new TrainingSettings
        {
            Epochs = 1, MaxSteps = 0, BatchSize = 2, LearningRate = 1e-3, WarmupFraction = 0, MinimumLearningRateFraction = 0,
            WeightDecay = 0, AdamBeta1 = 0.9, AdamBeta2 = 0.999, GradientClipNorm = 1, LogEverySteps = 0, Seed = 1,
        };
        TokenClassificationExample[] examples = [new(["a", "b"], [0, 1]), new(["c", "d"], [0])];

        var error = Assert.Throws<ArgumentException>(() => TokenClassificationTrainer.Train(model, new TokenClassificationAligner(tokenizer, 16, 8),
            examples, null, TokenAggregation.First, settings, 0, torch.CPU, _ => { }));

        Assert.Contains("Sentence 1 has 2 words and 1 labels", error.Message, StringComparison.Ordinal);
    }
}
