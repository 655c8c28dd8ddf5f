using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tests.Modeling;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

public class TokenClassifierTests
{
    [Fact]
    public void Token_classifier_gives_class_logits_for_every_position_and_names_its_weights_like_hugging_face()
    {
        torch.manual_seed(70);
        using var model = new TokenClassifier(TestConfigs.Gpt, classCount: 5);
        using var ids = torch.randint(0, TestConfigs.Gpt.VocabularySize, [3, 7]);
        using var mask = torch.ones(3, 7, dtype: torch.int64);

        using var logits = model.forward(ids, mask);

        Assert.Equal(new long[] { 3, 7, 5 }, logits.shape);
        var keys = model.state_dict().Keys.ToList();
        Assert.Equal(new long[] { 5, TestConfigs.Gpt.ModelDimension }, model.state_dict()["classifier.weight"].shape);
        Assert.Contains("classifier.bias", keys);
        Assert.All(keys, key => Assert.True(key.StartsWith("backbone.", StringComparison.Ordinal) || key.StartsWith("classifier.", StringComparison.Ordinal), key));
        Assert.Same(model.Backbone, ((ITaskNetwork)model).Backbone);
    }

    [Fact]
    public void Token_classifier_scores_a_position_the_same_whatever_the_padding_after_it()
    {
        torch.manual_seed(71);
        using var model = new TokenClassifier(TestConfigs.Gpt, classCount: 3);
        model.eval();
        using var ids = torch.tensor(new long[,] { { 4, 9, 2, 0, 0 } });
        using var mask = torch.tensor(new long[,] { { 1, 1, 1, 0, 0 } });

        using var padded = model.forward(ids, mask);
        using var alone = model.forward(ids.narrow(1, 0, 3), mask.narrow(1, 0, 3));

        TensorAssert.Close(alone, padded.narrow(1, 0, 3), 1e-5);
    }

    [Fact]
    public void A_fresh_shape_embedding_is_zero_so_the_classifier_starts_as_without_it_and_wrong_shapes_fail_naming_the_argument()
    {
        torch.manual_seed(72);
        using var plain = new TokenClassifier(TestConfigs.Gpt, classCount: 3);
        torch.manual_seed(72);
        using var shaped = new TokenClassifier(TestConfigs.Gpt, classCount: 3, shapeCount: 7);
        using (torch.no_grad())
        {
            foreach (var (key, value) in plain.state_dict())
                shaped.state_dict()[key].copy_(value);                               // the same backbone and head
        }

        plain.eval();
        shaped.eval();
        using var ids = torch.tensor(new long[,] { { 4, 9, 2, 0 } });
        using var mask = torch.tensor(new long[,] { { 1, 1, 1, 0 } });
        using var shapes = torch.tensor(new long[,] { { 0, 2, 3, 0 } });

        Assert.Equal(new long[] { 7, TestConfigs.Gpt.ModelDimension }, shaped.state_dict()["shape_embedding.weight"].shape);
        Assert.Equal(0f, shaped.state_dict()["shape_embedding.weight"].abs().max().item<float>());
        TensorAssert.Close(plain.forward(ids, mask), shaped.forward(ids, mask, tokenTypeIds: null, shapeIds: shapes), 1e-6);
        using (torch.no_grad())
            shaped.state_dict()["shape_embedding.weight"].normal_();
        Assert.False(plain.forward(ids, mask).allclose(shaped.forward(ids, mask, tokenTypeIds: null, shapeIds: shapes)));

        using var wrong = torch.zeros(1, 3, dtype: torch.int64);
        Assert.Equal("shapeIds", Assert.Throws<ArgumentException>(() => shaped.forward(ids, mask, tokenTypeIds: null, shapeIds: wrong)).ParamName);
        using var added = torch.zeros(1, 4, 5);
        Assert.Equal("addedEmbeddings", Assert.Throws<ArgumentException>(() => shaped.Backbone.forward(ids, mask, causal: false, addedEmbeddings: added)).ParamName);
        Assert.Equal("shapeCount", Assert.Throws<ArgumentException>(() => new TokenClassifier(TestConfigs.Gpt, 3, shapeCount: -1)).ParamName);
    }

    [Fact]
    public void Token_classifier_needs_at_least_one_class()
    {
        Assert.Equal("classCount", Assert.Throws<ArgumentException>(() => new TokenClassifier(TestConfigs.Gpt, 0)).ParamName);
    }
}
