using SbiFit.Cli;

return SbiFitApp.Run(args);
