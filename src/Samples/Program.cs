// Sample apps for Microsoft.ML.Attention. Each uses only the data shipped in the repository's datasets/ folder.
//   dotnet run --project src/Samples -c Release              all four below, in order
//   dotnet run --project src/Samples -c Release -- embed     import the pretrained all-MiniLM-L6-v2, SDCA on its embeddings, save/load, semantic search
//   dotnet run --project src/Samples -c Release -- classify  fine-tune a sentiment classifier from all-MiniLM-L6-v2 on UCI yelp, next to FeaturizeText + SDCA, save/load
//   dotnet run --project src/Samples -c Release -- pretrain  masked-LM pretraining of your own encoder on WikiText-2, embeddings, SDCA on them, save/load
//   dotnet run --project src/Samples -c Release -- generate  import llama2.c stories260K, generate in a pipeline and by streaming, save/load
using Microsoft.ML.Attention.Samples;

string sample = args.Length > 0 ? args[0] : "all";
string datasets = SampleData.FindDatasets();
switch (sample)
{
    case "embed":
        EmbedWithPretrainedEncoder.Run(datasets);
        return 0;
    case "pretrain":
        PretrainAndEmbed.Run(datasets);
        return 0;
    case "classify":
        ClassifySentiment.Run(datasets);
        return 0;
    case "generate":
        GenerateStories.Run(datasets);
        return 0;
    case "all":
        Console.WriteLine("== embed");
        EmbedWithPretrainedEncoder.Run(datasets);
        Console.WriteLine("== classify");
        ClassifySentiment.Run(datasets);
        Console.WriteLine("== pretrain");
        PretrainAndEmbed.Run(datasets);
        Console.WriteLine("== generate");
        GenerateStories.Run(datasets);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown sample '{sample}'. Samples: all (default), embed, classify, pretrain, generate.");
        return 2;
}
