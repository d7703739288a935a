import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateEnvironmentRequest, CreateProjectRequest, ProjectDto, UpdateProjectRequest } from '@zpanel/contracts';
import { createEnvironment, deleteEnvironment, projectsApi } from '../../shared/projects/api';
import { projectKeys } from '../../shared/projects/queries';

export function useCreateProject(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateProjectRequest) => projectsApi.create(body),
    onSuccess: (project: ProjectDto) => {
      queryClient.setQueryData(projectKeys.detail(teamId, project.id), project);
      void queryClient.invalidateQueries({ queryKey: projectKeys.lists(teamId) });
    },
  });
}

export function useUpdateProject(teamId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateProjectRequest) => projectsApi.update(id, body),
    onSuccess: (project) => {
      queryClient.setQueryData(projectKeys.detail(teamId, project.id), project);
      void queryClient.invalidateQueries({ queryKey: projectKeys.lists(teamId) });
    },
  });
}

export function useDeleteProject(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => projectsApi.remove(id),
    onSuccess: (_, id) => queryClient.removeQueries({ queryKey: projectKeys.detail(teamId, id) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: projectKeys.lists(teamId) }),
  });
}

/** Environment changes also change the project's counts. */
function useRefreshProject(teamId: string, projectId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: projectKeys.detail(teamId, projectId) });
    void queryClient.invalidateQueries({ queryKey: projectKeys.lists(teamId) });
  };
}

export function useCreateEnvironment(teamId: string, projectId: string) {
  const refresh = useRefreshProject(teamId, projectId);
  return useMutation({ mutationFn: (body: CreateEnvironmentRequest) => createEnvironment(projectId, body), onSuccess: refresh });
}

export function useDeleteEnvironment(teamId: string, projectId: string) {
  const refresh = useRefreshProject(teamId, projectId);
  return useMutation({ mutationFn: (id: string) => deleteEnvironment(id), onSuccess: refresh });
}
