using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Translation;

public class CrossAttentionWeightsTests
{
    [Fact]
    public void A_given_target_gets_one_row_per_written_token_each_summing_to_one_over_the_source()
    {
        var ml = new MLContext(seed: 1);
        var verses = TranslationData.Verses(16);
        using var model = ml.Transforms.AttentionEncoder(TranslationData.Tiny(maxSteps: 4)).Fit(ml.Data.LoadFromEnumerable(verses));

        var attention = model.GetCrossAttentionWeights(verses[0].Text, verses[0].Target);

        // The source is its pieces and the end token; the target rows are its pieces and the end token the decoder writes last.
        Assert.Equal(model.Tokenizer.Encode(verses[0].Text).Length + 1, attention.SourceTokens.Count);
        Assert.Equal(model.Tokenizer.Encode(verses[0].Target).Length + 1, attention.TargetTokens.Count);
        Assert.Equal("</s>", attention.SourceTokens[^1]);
        Assert.Equal("</s>", attention.TargetTokens[^1]);
        Assert.Equal(verses[0].Target, string.Concat(attention.TargetTokens.SkipLast(1)));   // word-initial pieces keep their space
        Assert.Equal(verses[0].Text, string.Concat(attention.SourceTokens.SkipLast(1)));
        Assert.Equal((1, 2), (attention.LayerCount, attention.HeadCount));
        for (int head = 0; head < attention.HeadCount; head++)
        {
            var matrix = attention.Head(0, head);
            for (int target = 0; target < attention.TargetTokens.Count; target++)
            {
                float sum = 0;
                for (int source = 0; source < attention.SourceTokens.Count; source++)
                {
                    Assert.InRange(matrix[target, source], 0f, 1f);
                    sum += matrix[target, source];
                }
                Assert.Equal(1f, sum, 4);
            }
        }
        var mean = attention.Mean();
        Assert.Equal(attention.Head(0, 0)[2, 3] / 2 + attention.Head(0, 1)[2, 3] / 2, mean[2, 3], 5);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => attention.Head(0, 2));
        Assert.Contains("[0, 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_target_the_weights_are_those_of_the_translation_Transform_writes()
    {
        var ml = new MLContext(seed: 1);
        var verses = TranslationData.Verses(16);
        using var model = ml.Transforms.AttentionEncoder(TranslationData.Tiny(maxSteps: 4)).Fit(ml.Data.LoadFromEnumerable(verses));
        string translation = model.Transform(ml.Data.LoadFromEnumerable(verses.Take(1).ToList()))
            .GetColumn<ReadOnlyMemory<char>>("Translation").Single().ToString();

        var own = model.GetCrossAttentionWeights(verses[0].Text);
        var forced = model.GetCrossAttentionWeights(verses[0].Text, translation);

        Assert.Equal(forced.TargetTokens, own.TargetTokens);
        Assert.Equal(forced.Weights, own.Weights);
    }

    [Fact]
    public void An_encoder_only_model_has_no_cross_attention_and_the_error_names_its_task()
    {
        var ml = new MLContext(seed: 1);
        var options = Estimators.TinyModels.MaskedLm();
        options.MaxSteps = 1;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(Estimators.TinyModels.Texts(ml, Estimators.TinyModels.WikiTextLines("valid", 8)));

        var error = Assert.Throws<InvalidOperationException>(() => model.GetCrossAttentionWeights("The food was great."));
        Assert.Contains("MaskedLanguageModeling", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(TransformerTextTransformer.GetAttentionWeights), error.Message, StringComparison.Ordinal);
    }
}
